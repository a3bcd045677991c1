/**
 * Plans the load of an OCI image-layout archive (oci-layout, index.json,
 * blobs/sha256/…; what `docker save` of Docker 25+, skopeo and umoci
 * write). Every entry of index.json is an image; its blobs are followed
 * from the index down (index → manifests → config and layers) and each is
 * checked against its descriptor's digest and size. Manifests of other
 * platforms that an index lists but the archive lacks are allowed (a
 * single-platform save of a multi-platform image), as are
 * non-distributable layers; any other missing blob is an error, unless the
 * content store has it already.
 *
 * Names come from the annotations `io.containerd.image.name` (a full name)
 * or `org.opencontainers.image.ref.name` (a full reference, or just a tag,
 * which needs `baseName`), else from the RepoTags of a manifest.json beside
 * the layout (Docker 25+ writes both).
 */
import { invalidArgument, isBerthError } from '../../errors.js';
import { expectObject, expectString, required } from '../../oci/json-check.js';
import type { ContentStore } from '../content-store.js';
import type { Descriptor } from '../descriptor.js';
import { parseManifest } from '../manifest.js';
import { MediaType, isIndexType, isManifestType, isNondistributableType } from '../media-types.js';
import { checkTag, fullName, normalizeImageName, parseReference } from '../reference.js';
import { blobPath, checkContentName, MAX_JSON, namedDigest } from './content-names.js';
import { DOCKER_MANIFEST_JSON, parseDockerManifestJson } from './docker-manifest-json.js';
import type { EntrySpool, SpooledFile } from './entry-spool.js';
import type { BlobSource, PlannedBlob, PlannedImage } from './load-plan.js';
import { INVALID_ARCHIVE } from './read-archive.js';

export const OCI_LAYOUT = 'oci-layout';
export const OCI_INDEX = 'index.json';
export const ANNOTATION_IMAGE_NAME = 'io.containerd.image.name';
export const ANNOTATION_REF_NAME = 'org.opencontainers.image.ref.name';

const MAX_DEPTH = 4;

const bad = (detail: string) => invalidArgument(INVALID_ARCHIVE, detail);

export interface OciPlanOptions {
  /** repository for images whose ref.name is only a tag ("localhost/app" + "1.0") */
  baseName?: string;
}

function imageName(s: string, what: string): string {
  try {
    return normalizeImageName(s);
  } catch (e) {
    if (isBerthError(e)) throw bad(`${OCI_INDEX}: invalid image name ${JSON.stringify(s)} in ${what}: ${e.message}`);
    throw e;
  }
}

function namesOf(d: Descriptor, i: number, baseName: string | undefined): string[] {
  const what = `manifests[${i}]`;
  const full = d.annotations?.[ANNOTATION_IMAGE_NAME];
  if (full !== undefined && full !== '') return [imageName(full, what)];
  const ref = d.annotations?.[ANNOTATION_REF_NAME];
  if (ref === undefined || ref === '') return [];
  if (/[/:@]/.test(ref)) return [imageName(ref, what)];
  if (baseName === undefined) return [];
  try {
    return [imageName(`${baseName}:${checkTag(ref)}`, what)];
  } catch (e) {
    if (isBerthError(e)) throw bad(`${OCI_INDEX}: ${what}: ref name ${JSON.stringify(ref)} is not a tag`);
    throw e;
  }
}

/** Checks a base name: a repository, without tag or digest. */
export function checkBaseName(baseName: string): string {
  const ref = parseReference(baseName);
  if (ref.tag !== undefined || ref.digest !== undefined) {
    throw invalidArgument(`base name ${JSON.stringify(baseName)}`, 'must be a repository without tag or digest');
  }
  return fullName(ref);
}

async function checkLayout(spool: EntrySpool): Promise<void> {
  const file = spool.lookup(OCI_LAYOUT);
  if (file === undefined) return;
  let raw: unknown;
  try {
    raw = JSON.parse((await spool.bytes(file, MAX_JSON)).toString('utf8')) as unknown;
  } catch (e) {
    if (e instanceof SyntaxError) throw bad(`${OCI_LAYOUT}: invalid JSON: ${e.message}`);
    throw e;
  }
  required(expectObject(raw, OCI_LAYOUT), 'imageLayoutVersion', OCI_LAYOUT, expectString);
}

/** config digest → RepoTags, from a manifest.json beside the layout. */
async function dockerRepoTags(spool: EntrySpool): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  const file = spool.lookup(DOCKER_MANIFEST_JSON);
  if (file === undefined) return out;
  for (const entry of parseDockerManifestJson(await spool.bytes(file, MAX_JSON))) {
    const digest = spool.lookup(entry.Config)?.digest ?? namedDigest(entry.Config);
    if (digest !== undefined) out.set(digest, entry.RepoTags.map((t) => imageName(t, DOCKER_MANIFEST_JSON)));
  }
  return out;
}

class Walker {
  readonly blobs: PlannedBlob[] = [];
  readonly #seen = new Set<string>();
  /** the config of the top manifest, when the image is a single manifest */
  configDigest: string | undefined;

  constructor(
    readonly spool: EntrySpool,
    readonly content: ContentStore,
  ) {}

  async #source(d: Descriptor): Promise<BlobSource | undefined> {
    const file = this.spool.lookup(blobPath(d.digest));
    if (file !== undefined) {
      checkContentName(file);
      if (file.digest !== d.digest) throw bad(`digest mismatch: ${JSON.stringify(file.name)} has digest ${file.digest}, want ${d.digest}`);
      if (file.size !== d.size) {
        throw bad(`size mismatch: ${JSON.stringify(file.name)} has ${file.size} bytes, its descriptor says ${d.size}`);
      }
      return { kind: 'file', file };
    }
    if (await this.content.has(d.digest)) {
      const info = await this.content.info(d.digest);
      if (info.size === d.size) return { kind: 'present' };
    }
    return undefined;
  }

  async #bytes(source: BlobSource, d: Descriptor): Promise<Buffer> {
    if (source.kind === 'file') return this.spool.bytes(source.file, MAX_JSON);
    if (d.size > MAX_JSON) throw bad(`manifest ${d.digest} is too large (${d.size} bytes)`);
    return this.content.readAll(d.digest);
  }

  /** Adds `d` and what it reaches; false when `d` is missing and `optional`. */
  async add(d: Descriptor, what: string, optional: boolean, depth = 0): Promise<boolean> {
    if (this.#seen.has(d.digest)) return true;
    const source = await this.#source(d);
    if (source === undefined) {
      if (optional) return false;
      throw bad(`missing blob ${JSON.stringify(blobPath(d.digest))} (${what})`);
    }
    if (isManifestType(d.mediaType) || isIndexType(d.mediaType)) {
      if (depth > MAX_DEPTH) throw bad(`indexes nested more than ${MAX_DEPTH} deep`);
      const parsed = parseManifest(await this.#bytes(source, d), d.mediaType, `manifest ${d.digest}`);
      if (parsed.kind === 'index') {
        let present = 0;
        for (const [i, m] of parsed.index.manifests.entries()) {
          if (await this.add(m, `manifests[${i}] of index ${d.digest}`, true, depth + 1)) present++;
        }
        if (present === 0 && parsed.index.manifests.length > 0) throw bad(`index ${d.digest}: none of its manifests is in the archive`);
      } else {
        const { config, layers } = parsed.manifest;
        if (depth === 0) this.configDigest = config.digest;
        await this.add(config, `config of manifest ${d.digest}`, false, depth + 1);
        for (const [i, l] of layers.entries()) {
          await this.add(l, `layers[${i}] of manifest ${d.digest}`, isNondistributableType(l.mediaType), depth + 1);
        }
      }
    }
    this.#seen.add(d.digest);
    this.blobs.push({ digest: d.digest, size: d.size, source });
    return true;
  }
}

export async function planOciArchive(
  spool: EntrySpool,
  indexFile: SpooledFile,
  content: ContentStore,
  options: OciPlanOptions = {},
): Promise<PlannedImage[]> {
  await checkLayout(spool);
  const parsed = parseManifest(await spool.bytes(indexFile, MAX_JSON), MediaType.OciIndex, OCI_INDEX);
  if (parsed.kind !== 'index') throw bad(`${OCI_INDEX} is not an image index`);
  const repoTags = await dockerRepoTags(spool);
  const plans: PlannedImage[] = [];
  for (const [i, d] of parsed.index.manifests.entries()) {
    if (!isManifestType(d.mediaType) && !isIndexType(d.mediaType)) {
      throw bad(`${OCI_INDEX}: manifests[${i}] has unsupported media type ${JSON.stringify(d.mediaType)}`);
    }
    const walker = new Walker(spool, content);
    await walker.add(d, `${OCI_INDEX} manifests[${i}]`, false);
    let names = namesOf(d, i, options.baseName);
    if (names.length === 0 && walker.configDigest !== undefined) names = repoTags.get(walker.configDigest) ?? [];
    const target: Descriptor = { mediaType: d.mediaType, digest: d.digest, size: d.size };
    if (d.platform !== undefined) target.platform = d.platform;
    plans.push({ names, target, blobs: walker.blobs });
  }
  if (plans.length === 0) throw bad(`${OCI_INDEX} lists no images`);
  return plans;
}

/**
 * Writes images as an OCI image-layout archive: `oci-layout`, every blob
 * each image reaches under `blobs/sha256/<hex>` exactly as stored (shared
 * blobs once), and `index.json` with one entry per name, annotated with the
 * full name (`io.containerd.image.name`) and the tag
 * (`org.opencontainers.image.ref.name`), as containerd and Docker 25+ do.
 * Manifests of an index that were never pulled (other platforms) are left
 * out; the index still lists them.
 */
import { failedPrecondition, isBerthError } from '../../errors.js';
import type { ContentStore } from '../content-store.js';
import type { Descriptor } from '../descriptor.js';
import type { ImageRecord } from '../image-store.js';
import { parseManifest } from '../manifest.js';
import { MediaType, isIndexType, isManifestType, isNondistributableType } from '../media-types.js';
import { familiarString, parseReference } from '../reference.js';
import { blobPath } from './content-names.js';
import { ANNOTATION_IMAGE_NAME, ANNOTATION_REF_NAME, OCI_INDEX, OCI_LAYOUT } from './load-oci.js';
import type { TarWriter } from './tar-writer.js';

export interface OciSaveOptions {
  content: ContentStore;
}

const MAX_DEPTH = 4;

/** Adds `d` and everything it reaches that is stored to `out` (children first). */
async function collect(
  content: ContentStore,
  d: Descriptor,
  out: Map<string, Descriptor>,
  context: string,
  optional: boolean,
  depth = 0,
): Promise<void> {
  if (out.has(d.digest)) return;
  if (!(await content.has(d.digest))) {
    if (optional) return;
    throw failedPrecondition(context, `blob ${d.digest} (${d.mediaType}) is not in the content store`);
  }
  if (isManifestType(d.mediaType) || isIndexType(d.mediaType)) {
    if (depth > MAX_DEPTH) throw failedPrecondition(context, `indexes nested more than ${MAX_DEPTH} deep`);
    const parsed = parseManifest(await content.readAll(d.digest), d.mediaType, `manifest ${d.digest}`);
    if (parsed.kind === 'index') {
      for (const m of parsed.index.manifests) await collect(content, m, out, context, true, depth + 1);
    } else {
      await collect(content, parsed.manifest.config, out, context, false, depth + 1);
      for (const l of parsed.manifest.layers) await collect(content, l, out, context, isNondistributableType(l.mediaType), depth + 1);
    }
  }
  out.set(d.digest, d);
}

function indexEntry(rec: ImageRecord): Descriptor {
  const ref = parseReference(rec.name);
  const annotations: Record<string, string> = { [ANNOTATION_IMAGE_NAME]: rec.name };
  if (ref.tag !== undefined) annotations[ANNOTATION_REF_NAME] = ref.tag;
  const d: Descriptor = { mediaType: rec.target.mediaType, digest: rec.target.digest, size: rec.target.size, annotations };
  if (rec.target.platform !== undefined) d.platform = rec.target.platform;
  return d;
}

export async function writeOciArchive(records: readonly ImageRecord[], tar: TarWriter, options: OciSaveOptions): Promise<void> {
  const { content } = options;
  const blobs = new Map<string, Descriptor>();
  for (const rec of records) {
    const context = `image ${JSON.stringify(familiarString(parseReference(rec.name)))}`;
    try {
      await collect(content, rec.target, blobs, context, false);
    } catch (e) {
      throw isBerthError(e) && !e.message.startsWith(context) ? e.within(context) : e;
    }
  }
  await tar.add({ name: OCI_LAYOUT }, JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  await tar.add({ name: 'blobs/', type: 'dir' });
  await tar.add({ name: 'blobs/sha256/', type: 'dir' });
  for (const d of blobs.values()) {
    const { size } = await content.info(d.digest);
    await tar.add({ name: blobPath(d.digest), size }, await content.read(d.digest));
  }
  const index = { schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: records.map(indexEntry) };
  await tar.add({ name: OCI_INDEX }, JSON.stringify(index));
}

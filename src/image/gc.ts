/**
 * Content garbage collection, mark and sweep. Roots are the targets of all
 * image names plus any extra digests the caller holds on to (a pull in
 * progress, a container's image). From each root, manifests and indexes
 * are followed to their children (index → manifests → config + layers,
 * and `subject`); every blob reached is kept, whatever its media type.
 * Then every blob not reached is deleted.
 *
 * If a reachable manifest cannot be read or parsed, nothing is deleted:
 * guessing would risk removing the layers of a live image.
 */
import { isBerthError } from '../errors.js';
import type { ContentStore } from './content-store.js';
import type { Descriptor } from './descriptor.js';
import { checkDigest } from './digest.js';
import { parseManifest, type ParsedManifest } from './manifest.js';
import { isIndexType, isManifestType } from './media-types.js';

export interface ImageLister {
  list(): Promise<{ target: Descriptor }[]>;
}

export interface GcOptions {
  /** more digests to keep, with everything they reach if they are manifests or indexes */
  extraRoots?: string[];
  /** report what would go, delete nothing */
  dryRun?: boolean;
}

export interface GcResult {
  removed: string[];
  freedBytes: number;
}

/** A root of unknown type is sniffed as a manifest only when small and JSON-looking. */
const SNIFF_MAX = 4 << 20;

export interface GcRoot {
  digest: string;
  mediaType?: string;
}

function children(parsed: ParsedManifest): Descriptor[] {
  const doc = parsed.kind === 'index' ? parsed.index : parsed.manifest;
  const kids = parsed.kind === 'index' ? [...parsed.index.manifests] : [parsed.manifest.config, ...parsed.manifest.layers];
  if (doc.subject) kids.push(doc.subject);
  return kids;
}

async function sniff(content: ContentStore, digest: string): Promise<ParsedManifest | undefined> {
  const { size } = await content.info(digest);
  if (size > SNIFF_MAX) return undefined;
  const bytes = await content.readAll(digest);
  if (bytes[0] !== 0x7b /* { */) return undefined;
  try {
    return parseManifest(bytes, undefined, `blob ${digest}`);
  } catch {
    return undefined;
  }
}

/** Every digest reachable from `roots` that is present in the store. */
export async function markReachable(content: ContentStore, roots: GcRoot[]): Promise<Set<string>> {
  const marked = new Set<string>();
  const queue = [...roots];
  for (let next = queue.pop(); next !== undefined; next = queue.pop()) {
    const { digest, mediaType } = next;
    if (marked.has(digest) || !(await content.has(digest))) continue;
    marked.add(digest);
    let parsed: ParsedManifest | undefined;
    if (mediaType === undefined) {
      parsed = await sniff(content, digest);
    } else if (isManifestType(mediaType) || isIndexType(mediaType)) {
      parsed = parseManifest(await content.readAll(digest), mediaType, `manifest ${digest}`);
    }
    if (parsed) for (const d of children(parsed)) queue.push({ digest: d.digest, mediaType: d.mediaType });
  }
  return marked;
}

export async function collectGarbage(content: ContentStore, images: ImageLister, options: GcOptions = {}): Promise<GcResult> {
  const roots: GcRoot[] = (await images.list()).map((r) => ({ digest: r.target.digest, mediaType: r.target.mediaType }));
  for (const d of options.extraRoots ?? []) roots.push({ digest: checkDigest(d, 'gc root') });
  const marked = await markReachable(content, roots);

  const doomed: { digest: string; size: number }[] = [];
  for await (const info of content.walk()) if (!marked.has(info.digest)) doomed.push(info);
  const result: GcResult = { removed: [], freedBytes: 0 };
  for (const { digest, size } of doomed) {
    if (!options.dryRun) {
      try {
        await content.delete(digest);
      } catch (e) {
        // Someone else removed it first: the outcome we wanted.
        if (isBerthError(e, 'NotFound')) continue;
        throw e;
      }
    }
    result.removed.push(digest);
    result.freedBytes += size;
  }
  return result;
}

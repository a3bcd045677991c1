import { conflict, isBerthError, notFound } from '../../errors.js';
import type { Descriptor } from '../../image/descriptor.js';
import type { ImageRecord } from '../../image/image-store.js';
import { parseManifest } from '../../image/manifest.js';
import { isIndexType } from '../../image/media-types.js';
import { familiarName, familiarString, normalizeImageName, parseReference } from '../../image/reference.js';
import { resolveImage, type ResolvedImage } from '../../image/resolve.js';
import { chainIds } from '../../snapshot/chain-id.js';
import type { ImageStores } from './image-stores.js';

/** An image as the user sees it: one id (its config digest), any number of names. */
export interface LocalImage {
  id: string;
  records: ImageRecord[];
  resolved: ResolvedImage;
}

/** Every local image, grouped by id; names whose blobs are missing are skipped. */
export async function localImages(stores: ImageStores): Promise<LocalImage[]> {
  const byId = new Map<string, LocalImage>();
  for (const record of await stores.images.list()) {
    const resolved = await resolveLocal(stores, record.target);
    if (!resolved) continue;
    const id = resolved.configDescriptor.digest;
    const entry = byId.get(id) ?? { id, records: [], resolved };
    entry.records.push(record);
    byId.set(id, entry);
  }
  return [...byId.values()];
}

/**
 * The image a name points at, for this host's platform; failing that, for
 * the first platform of its index whose manifest is here. A multi-platform
 * name pulled with `--platform` for another platform holds only that one:
 * without this it would be pulled, yet neither listed nor usable (docker
 * lists and runs it, warning that the platforms differ).
 */
async function resolveLocal(stores: ImageStores, target: Descriptor): Promise<ResolvedImage | undefined> {
  const forHost = await resolveImage(stores.content, target).catch(() => undefined);
  if (forHost || !isIndexType(target.mediaType)) return forHost;
  let parsed;
  try {
    parsed = parseManifest(await stores.content.readAll(target.digest), target.mediaType, `manifest ${target.digest}`);
  } catch {
    return undefined;
  }
  if (parsed.kind !== 'index') return undefined;
  for (const d of parsed.index.manifests) {
    if (d.platform === undefined || !(await stores.content.has(d.digest))) continue;
    const resolved = await resolveImage(stores.content, target, { platform: d.platform, strict: true }).catch(() => undefined);
    if (resolved) return resolved;
  }
  return undefined;
}

/**
 * What the user typed: a name ("busybox", "busybox:1.36",
 * "host:5000/x@sha256:…") or an image id, whole or a prefix of at least
 * one hex digit ("sha256:3f57d9…", "3f57d9"), as docker accepts.
 */
export async function findImage(stores: ImageStores, nameOrId: string): Promise<LocalImage> {
  const all = await localImages(stores);
  const asId = /^(sha256:)?[0-9a-f]{1,64}$/.test(nameOrId) ? nameOrId.replace(/^sha256:/, '') : undefined;
  let full: string | undefined;
  try {
    full = normalizeImageName(nameOrId);
  } catch (e) {
    if (!asId || !isBerthError(e, 'InvalidArgument')) throw e;
  }
  const byName = full ? all.find((img) => img.records.some((r) => r.name === full)) : undefined;
  if (byName) return byName;
  if (asId) {
    const matches = all.filter((img) => img.id.slice('sha256:'.length).startsWith(asId));
    if (matches.length === 1) return matches[0] as LocalImage;
    if (matches.length > 1) throw conflict(`image "${nameOrId}"`, 'ambiguous image id prefix, give more digits');
  }
  throw notFound(`image "${nameOrId}"`, 'no such image');
}

/** "busybox:latest" for tagged names; digest references are listed as RepoDigests instead. */
export function repoTags(img: LocalImage): string[] {
  return img.records.filter((r) => parseReference(r.name).tag !== undefined).map((r) => familiarString(parseReference(r.name)));
}

export function repoDigests(img: LocalImage): string[] {
  const out = new Set<string>();
  for (const r of img.records) out.add(`${familiarName(parseReference(r.name))}@${r.target.digest}`);
  return [...out];
}

export function chainOf(img: LocalImage): string[] {
  return chainIds(img.resolved.config.rootfs.diff_ids);
}

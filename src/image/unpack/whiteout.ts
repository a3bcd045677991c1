/**
 * Whiteouts as layer tars spell them (OCI image-spec, "Whiteouts", from
 * AUFS): `.wh.NAME` deletes NAME of the lower layers; `.wh..wh..opq` in a
 * directory hides everything the lower layers have in it. Overlayfs spells
 * them differently, and the applier converts as containerd's does: a 0:0
 * character device named NAME, and the xattr trusted.overlay.opaque=y on the
 * directory.
 */
export const WHITEOUT_PREFIX = '.wh.';
export const OPAQUE_MARKER = '.wh..wh..opq';
/** AUFS metadata (".wh..wh.plnk", ".wh..wh.aufs"): not files, skipped as Docker does. */
const AUFS_META_PREFIX = '.wh..wh.';

export const OPAQUE_XATTR = 'trusted.overlay.opaque';

export type WhiteoutKind =
  | { kind: 'none' }
  | { kind: 'opaque' }
  | { kind: 'whiteout'; target: string }
  | { kind: 'aufs-meta' }
  | { kind: 'invalid'; reason: string };

/** What the last component of an entry name means. */
export function classifyWhiteout(base: string): WhiteoutKind {
  if (!base.startsWith(WHITEOUT_PREFIX)) return { kind: 'none' };
  if (base === OPAQUE_MARKER) return { kind: 'opaque' };
  if (base.startsWith(AUFS_META_PREFIX)) return { kind: 'aufs-meta' };
  const target = base.slice(WHITEOUT_PREFIX.length);
  if (target === '' || target === '.' || target === '..') {
    return { kind: 'invalid', reason: `whiteout ${JSON.stringify(base)} names no file` };
  }
  return { kind: 'whiteout', target };
}

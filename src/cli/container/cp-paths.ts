/**
 * The path rules of `docker cp`: which argument is the container's
 * ("CONTAINER:PATH", unless it looks like a local path), and where an
 * archive lands given what exists at the destination (archive.PrepareArchiveCopy).
 */
import path from 'node:path';

/** "web:/etc/hosts" → ["web", "/etc/hosts"]; "/x", "./a:b" and "file" → ["", arg]. */
export function splitCpArg(arg: string): [string, string] {
  if (arg.startsWith('/')) return ['', arg];
  const colon = arg.indexOf(':');
  if (colon < 0 || arg.startsWith('.')) return ['', arg];
  return [arg.slice(0, colon), arg.slice(colon + 1)];
}

/** "/a/b" → ["/a", "b"]; "/a/b/" → ["/a", "b"]; "/a/." → ["/a", "."]. */
export function splitPathDirEntry(p: string): [string, string] {
  const trimmed = p.length > 1 ? p.replace(/\/+$/, '') : p;
  const base = path.posix.basename(trimmed);
  return [path.posix.dirname(trimmed), base === '' ? '/' : base];
}

/** A path ending in "/" or "/." says it must be a directory. */
export const assertsDirectory = (p: string): boolean => p.endsWith('/') || p.endsWith('/.');

export interface CopyPlan {
  /** the directory the archive is extracted into */
  dir: string;
  /** rename the archive's first component from → to */
  rebase?: { from: string; to: string };
}

/**
 * Where to put an archive of `src` (named `srcBase` inside it, a directory
 * or not) given the destination path and what is there.
 */
export function planCopy(src: { base: string; isDir: boolean }, dst: { path: string; exists: boolean; isDir: boolean }): CopyPlan {
  const [dstDir, dstBase] = splitPathDirEntry(dst.path);
  if (dst.exists && dst.isDir) return { dir: dst.path };
  if (dst.exists && src.isDir) throw new Error('cannot copy a directory to a file');
  if (!dst.exists && !src.isDir && assertsDirectory(dst.path)) throw new Error(`destination directory ${JSON.stringify(dst.path)} does not exist`);
  return { dir: dstDir, rebase: { from: src.base, to: dstBase } };
}

/** Go's os.ModeDir and os.ModeSymlink in the mode of a container path's stat. */
export const isDirMode = (mode: number): boolean => Math.floor(mode / 2 ** 31) % 2 === 1;
export const isSymlinkMode = (mode: number): boolean => Math.floor(mode / 2 ** 27) % 2 === 1;

/**
 * Names inside an image archive, in one canonical form so that what
 * manifest.json or a symlink says and what a tar header says compare equal:
 * "./abc/layer.tar", "/abc//layer.tar" and "abc/layer.tar" are one name.
 * A name that climbs out of the archive ("../x") has no canonical form.
 */
import path from 'node:path';

export function archivePath(name: string): string | undefined {
  const n = path.posix.normalize(name.replace(/^\/+/, '')).replace(/\/+$/, '');
  if (n === '' || n === '.' || n === '..' || n.startsWith('../')) return undefined;
  return n;
}

/** Where a symlink stored at `from` points to, within the archive. */
export function symlinkTarget(from: string, linkname: string): string | undefined {
  if (linkname.startsWith('/')) return archivePath(linkname);
  return archivePath(path.posix.join(path.posix.dirname(from), linkname));
}

/**
 * Paths as `docker cp` means them. The user's path is taken as absolute in
 * the container and cleaned, but a trailing "/" or "/." is kept, because
 * it changes the meaning: "dir/." is the directory's content rather than
 * the directory, and "link/" is what a symlink points to rather than the
 * link. These follow Go's path/filepath and Docker's archive package
 * (PreserveTrailingDotOrSeparator), so names come out as dockerd's do.
 */
import path from 'node:path';

import { invalidArgument } from '../../../errors.js';

/** Go's filepath.Base: "/a/b/" → "b", "/a/." → ".", "/" → "/", "" → ".". */
export function goBase(p: string): string {
  if (p === '') return '.';
  const trimmed = p.replace(/\/+$/, '');
  if (trimmed === '') return '/';
  return trimmed.slice(trimmed.lastIndexOf('/') + 1);
}

/** Go's filepath.Clean for an absolute path: no ".", "..", doubled or trailing "/". */
function cleanAbsolute(p: string): string {
  const n = path.posix.normalize(`/${p}`);
  return n.length > 1 ? n.replace(/\/+$/, '') : n;
}

/** The absolute, cleaned container path, with the user's trailing "/" or "/." kept. */
export function absContainerPath(userPath: string): string {
  if (userPath.includes('\0')) throw invalidArgument(`path ${JSON.stringify(userPath)}`, 'must not contain a NUL byte');
  let abs = cleanAbsolute(userPath);
  if (goBase(abs) !== '.' && goBase(userPath) === '.') abs += abs.endsWith('/') ? '.' : '/.';
  if (!abs.endsWith('/') && userPath.endsWith('/')) abs += '/';
  return abs;
}

/** Go's filepath.Split: everything up to the last "/" (kept), and the rest ("" after a trailing "/"). */
export function splitLast(abs: string): { dir: string; base: string } {
  const i = abs.lastIndexOf('/');
  return { dir: abs.slice(0, i + 1), base: abs.slice(i + 1) };
}

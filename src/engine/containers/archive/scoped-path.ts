/**
 * A container path resolved to a host path under `root`, the container's
 * root as the host sees it (`/proc/<pid>/root` of a running container, or
 * a mounted rootfs). Symlinks are followed as the container would see
 * them: an absolute target or a ".." restarts from, and never climbs
 * above, `root`. The kernel is never asked to follow a link itself: under
 * /proc/<pid>/root an absolute link would lead to the host's "/".
 *
 * Components that do not exist are kept as they are (a file about to be
 * created). The result is a snapshot: a running container can change its
 * tree afterwards, so callers that write open the final component with
 * O_NOFOLLOW or O_EXCL and check what they find.
 */
import { lstatSync, readlinkSync } from 'node:fs';
import path from 'node:path';

import { invalidArgument } from '../../../errors.js';

const MAX_SYMLINKS = 255;

export interface ScopedPath {
  /** the path on the host: `root` joined with `parts` */
  hostPath: string;
  /** the same place as the container names it: "/" + parts */
  containerPath: string;
  /** resolved components below root, none of them a symlink (when checked) */
  parts: string[];
}

/**
 * Resolves `unsafePath` inside `root`. With `followFinal` false a symlink
 * in the last component is kept (the link itself, as lstat sees it).
 */
export function resolveInRoot(root: string, unsafePath: string, followFinal = true): ScopedPath {
  const resolved: string[] = [];
  let pending = unsafePath.split('/').filter((s) => s !== '');
  let links = 0;
  while (pending.length > 0) {
    const part = pending.shift() as string;
    if (part === '.') continue;
    if (part === '..') {
      resolved.pop();
      continue;
    }
    const last = pending.length === 0;
    const candidate = path.join(root, ...resolved, part);
    let target: string | undefined;
    if (followFinal || !last) {
      try {
        if (lstatSync(candidate).isSymbolicLink()) target = readlinkSync(candidate);
      } catch {
        // does not exist (yet), or is below something that is not a directory: kept as it is
      }
    }
    if (target === undefined) {
      resolved.push(part);
      continue;
    }
    if (++links > MAX_SYMLINKS) throw invalidArgument(unsafePath, 'too many levels of symbolic links');
    if (target.startsWith('/')) resolved.length = 0;
    pending = [...target.split('/').filter((s) => s !== ''), ...pending];
  }
  return { hostPath: path.join(root, ...resolved), containerPath: `/${resolved.join('/')}`, parts: resolved };
}

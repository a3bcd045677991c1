import { lstatSync, readlinkSync } from 'node:fs';
import path from 'node:path';

import { invalidArgument } from '../../errors.js';

const MAX_SYMLINKS = 255;

/**
 * The host path of `unsafePath` inside `root`, following symlinks as the
 * container would see them: an absolute link target or a `..` restarts from
 * `root`, never above it. A rootfs is untrusted content, so a mount
 * destination like `/etc/x -> /../../host` must still land inside it.
 * Components that do not exist yet are kept lexically (the core creates them).
 */
export function secureJoin(root: string, unsafePath: string): string {
  const resolved: string[] = [];
  let pending = splitPath(unsafePath);
  let links = 0;
  while (pending.length > 0) {
    const part = pending.shift() as string;
    if (part === '.') continue;
    if (part === '..') {
      resolved.pop();
      continue;
    }
    const candidate = path.join(root, ...resolved, part);
    let target: string | undefined;
    try {
      if (lstatSync(candidate).isSymbolicLink()) target = readlinkSync(candidate);
    } catch {
      // does not exist (yet): keep the rest as it is
    }
    if (target === undefined) {
      resolved.push(part);
      continue;
    }
    if (++links > MAX_SYMLINKS) throw invalidArgument(unsafePath, 'too many levels of symbolic links');
    if (path.isAbsolute(target)) resolved.length = 0;
    pending = [...splitPath(target), ...pending];
  }
  return path.join(root, ...resolved);
}

function splitPath(p: string): string[] {
  return p.split('/').filter((s) => s !== '');
}

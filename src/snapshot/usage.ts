/**
 * Disk usage of a directory tree, as `du` counts it: allocated blocks, each
 * inode once however many hardlinks it has.
 */
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';

import type { SnapshotUsage } from './snapshotter.js';

export async function diskUsage(root: string): Promise<SnapshotUsage> {
  const seen = new Set<bigint>();
  let size = 0;
  let inodes = 0;
  const stack = [root];
  for (let dir = stack.pop(); dir !== undefined; dir = stack.pop()) {
    // Directories cannot be hardlinked: each one counts.
    const st = await lstat(dir, { bigint: true });
    size += Number(st.blocks) * 512;
    inodes++;
    if (!st.isDirectory()) continue;
    for (const e of await readdir(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      if (e.isDirectory()) {
        stack.push(p);
        continue;
      }
      const fst = await lstat(p, { bigint: true });
      if (fst.nlink > 1n && seen.has(fst.ino)) continue;
      if (fst.nlink > 1n) seen.add(fst.ino);
      size += Number(fst.blocks) * 512;
      inodes++;
    }
  }
  return { size, inodes };
}

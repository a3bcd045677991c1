/**
 * The size of a volume as dockerd reports it (UsageData.Size, `docker
 * system df -v`): the apparent size of everything below the directory
 * except directories themselves, each hard-linked inode counted once,
 * symlinks not followed. Asynchronous, so a large volume does not stall
 * the daemon's event loop while it is measured.
 */
import { lstat, readdir } from 'node:fs/promises';
import path from 'node:path';

import { errnoCode } from '../../errors.js';

export async function directorySize(dir: string): Promise<number> {
  const seen = new Set<string>();
  let total = 0;
  const pending = [dir];
  while (pending.length > 0) {
    const current = pending.pop() as string;
    let names: string[];
    try {
      names = await readdir(current);
    } catch (e) {
      // Removed while we walked (a container deleting files): nothing left to count.
      if (errnoCode(e) === 'ENOENT' || errnoCode(e) === 'ENOTDIR') continue;
      throw e;
    }
    for (const name of names) {
      const p = path.join(current, name);
      const st = await lstat(p, { bigint: true }).catch((e: unknown) => {
        if (errnoCode(e) === 'ENOENT') return undefined;
        throw e;
      });
      if (st === undefined) continue;
      if (st.isDirectory()) {
        pending.push(p);
        continue;
      }
      if (st.nlink > 1n) {
        const key = `${st.dev}:${st.ino}`;
        if (seen.has(key)) continue;
        seen.add(key);
      }
      total += Number(st.size);
    }
  }
  return total;
}

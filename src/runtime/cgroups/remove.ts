import { join } from 'node:path';

import { errnoCode } from '../../errors.js';
import type { CgroupFs } from './cgroupfs.js';
import { cgroupFileError } from './file-error.js';
import { sleep } from './poll.js';

/**
 * Remove a cgroup directory and its child cgroups, deepest first (a cgroup with
 * children cannot be removed). rmdir fails with EBUSY while tasks are attached,
 * and tasks that were just killed stay attached for a short while after they
 * exit, until the kernel finishes tearing them down; so EBUSY is retried until
 * `timeoutMs` has passed, re-listing children each time in case one appeared.
 * A directory that is already gone is fine.
 */
export async function removeCgroupTree(fs: CgroupFs, ctx: string, dir: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      await removeOnce(fs, dir);
      return;
    } catch (e) {
      const code = errnoCode(e);
      if (code === 'ENOENT') return;
      if ((code === 'EBUSY' || code === 'ENOTEMPTY') && Date.now() < deadline) {
        await sleep(10);
        continue;
      }
      throw cgroupFileError(ctx, `rmdir ${dir}`, e);
    }
  }
}

async function removeOnce(fs: CgroupFs, dir: string): Promise<void> {
  let children: string[];
  try {
    children = await fs.subdirs(dir);
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return;
    throw e;
  }
  for (const child of children) await removeOnce(fs, join(dir, child));
  try {
    await fs.rmdir(dir);
  } catch (e) {
    if (errnoCode(e) !== 'ENOENT') throw e;
  }
}

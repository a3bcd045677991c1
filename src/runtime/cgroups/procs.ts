import { join } from 'node:path';

import { errnoCode } from '../../errors.js';
import { CgroupDir } from './cgroup-dir.js';
import { parsePids } from './parse.js';

/**
 * Every pid in `dir` and its child cgroups (a container may make its own),
 * from cgroup.procs. A directory that vanishes meanwhile counts as empty.
 */
export async function pidsRecursive(dir: CgroupDir): Promise<number[]> {
  const out = parsePids(await dir.readOptional('cgroup.procs'));
  let children: string[];
  try {
    children = await dir.fs.subdirs(dir.path);
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return out;
    throw e;
  }
  for (const child of children) out.push(...(await pidsRecursive(new CgroupDir(dir.fs, dir.ctx, join(dir.path, child)))));
  return out;
}

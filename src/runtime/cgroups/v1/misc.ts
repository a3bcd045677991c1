import type { Resources } from '../../../oci/spec.js';
import { checkPageSize, pidsMaxValue } from '../values.js';
import type { V1Dirs } from './dirs.js';

export async function applyPidsV1(d: V1Dirs, pids: { limit: number }): Promise<void> {
  await d.dir('pids', 'pids.max').write('pids.max', pidsMaxValue(pids.limit));
}

/**
 * hugetlb.<size>.limit_in_bytes. On hybrid hosts hugetlb may live only in the
 * cgroup2 hierarchy (it does on the development machine), which berth's v1
 * manager does not drive: such limits are refused as unsupported.
 */
export async function applyHugetlbV1(d: V1Dirs, limits: NonNullable<Resources['hugepageLimits']>): Promise<void> {
  for (const l of limits) {
    const file = `hugetlb.${checkPageSize(d.ctx, l.pageSize)}.limit_in_bytes`;
    await d.dir('hugetlb', file).write(file, l.limit);
  }
}

/** net_cls.classid and net_prio.ifpriomap (v1 only; v2 has no network controllers). */
export async function applyNetworkV1(d: V1Dirs, n: NonNullable<Resources['network']>): Promise<void> {
  if (n.classID !== undefined) await d.dir('net_cls', 'net_cls.classid').write('net_cls.classid', n.classID);
  for (const p of n.priorities ?? []) {
    await d.dir('net_prio', 'net_prio.ifpriomap').write('net_prio.ifpriomap', `${p.name} ${p.priority}`);
  }
}

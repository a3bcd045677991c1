/**
 * cpuset lists ("0-3,8,10-11") as the kernel's cpuset.cpus and cpuset.mems
 * take them; Docker refuses anything else at create, before the cgroup
 * write would.
 */
const RANGE = /^(\d+)(?:-(\d+))?$/;

export function isCpusetList(list: string): boolean {
  if (list === '') return true;
  return list.split(',').every((part) => {
    const m = RANGE.exec(part);
    return m !== null && (m[2] === undefined || Number(m[1]) <= Number(m[2]));
  });
}

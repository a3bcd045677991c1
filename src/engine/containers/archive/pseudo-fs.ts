/**
 * Kernel file systems a running container has mounted (/proc, /sys, cgroup
 * trees…). Seen through /proc/<pid>/root they are live views of the
 * kernel: endless, changing, with files that claim size 0. dockerd never
 * sees them (it archives from a view with only the rootfs and volumes), so
 * their directory is archived but not their content.
 */
import { statfsSync } from 'node:fs';

const PSEUDO = new Set([
  0x9fa0, // proc
  0x62656572, // sysfs
  0x27e0eb, // cgroup
  0x63677270, // cgroup2
  0x1cd1, // devpts
  0x19800202, // mqueue
  0x64626720, // debugfs
  0x74726163, // tracefs
  0x73636673, // securityfs
  0xcafe4a11, // bpf
  0x6165676c, // pstore
  0x62656570, // configfs
  0x65735543, // fusectl
  0xf97cff8c, // selinuxfs
  0x6e736673, // nsfs
  0x42494e4d, // binfmt_misc
  0xde5e81e4, // efivarfs
]);

export function isPseudoFs(hostDir: string): boolean {
  try {
    return PSEUDO.has(Number(statfsSync(hostDir).type));
  } catch {
    return false;
  }
}

import { existsSync, readFileSync } from 'node:fs';
import os from 'node:os';

/** Go's name for this CPU architecture, as docker reports it ("amd64", "arm64"). */
export function goArch(arch: string = process.arch): string {
  return ({ x64: 'amd64', ia32: '386', arm64: 'arm64', arm: 'arm', ppc64: 'ppc64le', s390x: 's390x', riscv64: 'riscv64' } as Record<string, string>)[arch] ?? arch;
}

/** "2" on a pure cgroup v2 host, "1" on v1 and hybrid hosts (whose root is not cgroup2). */
export function cgroupVersion(root = '/sys/fs/cgroup'): '1' | '2' {
  return existsSync(`${root}/cgroup.controllers`) ? '2' : '1';
}

/** PRETTY_NAME of /etc/os-release, or the kernel's name. */
export function operatingSystem(): string {
  for (const file of ['/etc/os-release', '/usr/lib/os-release']) {
    try {
      const m = /^PRETTY_NAME=(.*)$/m.exec(readFileSync(file, 'utf8'));
      if (m) return (m[1] as string).replace(/^["']|["']$/g, '');
    } catch {
      // try the next one
    }
  }
  return os.type();
}

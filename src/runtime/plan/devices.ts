import type { Device } from '../../oci/spec.js';
import type { PlanOp } from './ops.js';
import { secureJoin } from './secure-join.js';

const S_IFIFO = 0o010000;
const S_IFCHR = 0o020000;
const S_IFBLK = 0o060000;

/** Devices every container gets, as runc and Docker create them. */
export const DEFAULT_DEVICES: Device[] = [
  { type: 'c', path: '/dev/null', major: 1, minor: 3, fileMode: 0o666, uid: 0, gid: 0 },
  { type: 'c', path: '/dev/zero', major: 1, minor: 5, fileMode: 0o666, uid: 0, gid: 0 },
  { type: 'c', path: '/dev/full', major: 1, minor: 7, fileMode: 0o666, uid: 0, gid: 0 },
  { type: 'c', path: '/dev/random', major: 1, minor: 8, fileMode: 0o666, uid: 0, gid: 0 },
  { type: 'c', path: '/dev/urandom', major: 1, minor: 9, fileMode: 0o666, uid: 0, gid: 0 },
  { type: 'c', path: '/dev/tty', major: 5, minor: 0, fileMode: 0o666, uid: 0, gid: 0 },
];

/** The kernel's dev_t encoding (glibc makedev): 12 bits of major and 20 of minor, split. */
export function makedev(major: number, minor: number): bigint {
  const ma = BigInt(major);
  const mi = BigInt(minor);
  return ((ma & 0xfffff000n) << 32n) | ((ma & 0xfffn) << 8n) | ((mi & 0xffffff00n) << 12n) | (mi & 0xffn);
}

function typeBits(type: Device['type']): number {
  if (type === 'b') return S_IFBLK;
  if (type === 'p') return S_IFIFO;
  return S_IFCHR;
}

/**
 * Device nodes in the container's /dev. In a user namespace mknod is not
 * allowed, so the host's node is bind-mounted instead (as runc does).
 */
export function deviceOps(rootfs: string, specDevices: Device[], inUserNamespace: boolean): PlanOp[] {
  const byPath = new Map<string, Device>();
  for (const d of [...DEFAULT_DEVICES, ...specDevices]) byPath.set(d.path, d);
  const ops: PlanOp[] = [];
  for (const d of byPath.values()) {
    const target = secureJoin(rootfs, d.path);
    if (inUserNamespace) {
      ops.push({ op: 'touch', path: target });
      ops.push({ op: 'mount', source: d.path, target, fstype: '', flags: 4096 /* MS_BIND */, data: '' });
    } else {
      ops.push({ op: 'mkdirs', path: target.slice(0, target.lastIndexOf('/')) || '/', mode: 0o755 });
      ops.push({
        op: 'mknod',
        path: target,
        mode: typeBits(d.type) | (d.fileMode ?? 0o666),
        dev: makedev(d.major ?? 0, d.minor ?? 0),
        uid: d.uid ?? 0,
        gid: d.gid ?? 0,
      });
    }
  }
  return ops;
}

/** The /dev links programs expect (/dev/fd, stdin, stdout, stderr). */
export function devLinkOps(rootfs: string): PlanOp[] {
  const links: [string, string][] = [
    ['/proc/self/fd', '/dev/fd'],
    ['/proc/self/fd/0', '/dev/stdin'],
    ['/proc/self/fd/1', '/dev/stdout'],
    ['/proc/self/fd/2', '/dev/stderr'],
  ];
  return links.map(([target, link]) => ({ op: 'symlink', target, path: secureJoin(rootfs, link) }));
}

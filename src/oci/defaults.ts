/**
 * Docker's defaults for a Linux container, as data (moby's oci/defaults.go
 * and runc's default device list), and `defaultSpec()`, the config.json that
 * `runc spec` writes. Callers copy before changing: the constants are frozen.
 */
import type { Device, DeviceCgroupRule, Mount, Spec } from './spec.js';

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null) {
    for (const x of Object.values(v)) deepFreeze(x);
    Object.freeze(v);
  }
  return v;
}

/** The capabilities Docker grants a container unless told otherwise. */
export const DEFAULT_CAPABILITIES: readonly string[] = deepFreeze([
  'CAP_CHOWN',
  'CAP_DAC_OVERRIDE',
  'CAP_FSETID',
  'CAP_FOWNER',
  'CAP_MKNOD',
  'CAP_NET_RAW',
  'CAP_SETGID',
  'CAP_SETUID',
  'CAP_SETFCAP',
  'CAP_SETPCAP',
  'CAP_NET_BIND_SERVICE',
  'CAP_SYS_CHROOT',
  'CAP_KILL',
  'CAP_AUDIT_WRITE',
]);

/** Paths hidden from the container (a /dev/null bind, or an empty read-only tmpfs for directories). */
export const DEFAULT_MASKED_PATHS: readonly string[] = deepFreeze([
  '/proc/asound',
  '/proc/acpi',
  '/proc/kcore',
  '/proc/keys',
  '/proc/latency_stats',
  '/proc/timer_list',
  '/proc/timer_stats',
  '/proc/sched_debug',
  '/proc/scsi',
  '/sys/firmware',
  '/sys/devices/virtual/powercap',
]);

/** Paths bind-mounted read-only over themselves. */
export const DEFAULT_READONLY_PATHS: readonly string[] = deepFreeze([
  '/proc/bus',
  '/proc/fs',
  '/proc/irq',
  '/proc/sys',
  '/proc/sysrq-trigger',
]);

/** The mounts of every container, as `runc spec` writes them. */
export const DEFAULT_MOUNTS: readonly Readonly<Mount>[] = deepFreeze([
  { destination: '/proc', type: 'proc', source: 'proc', options: ['nosuid', 'noexec', 'nodev'] },
  {
    destination: '/dev',
    type: 'tmpfs',
    source: 'tmpfs',
    options: ['nosuid', 'strictatime', 'mode=755', 'size=65536k'],
  },
  {
    destination: '/dev/pts',
    type: 'devpts',
    source: 'devpts',
    // gid 5 is the "tty" group in nearly every distribution's /etc/group.
    options: ['nosuid', 'noexec', 'newinstance', 'ptmxmode=0666', 'mode=0620', 'gid=5'],
  },
  {
    destination: '/dev/shm',
    type: 'tmpfs',
    source: 'shm',
    options: ['nosuid', 'noexec', 'nodev', 'mode=1777', 'size=65536k'],
  },
  { destination: '/dev/mqueue', type: 'mqueue', source: 'mqueue', options: ['nosuid', 'noexec', 'nodev'] },
  { destination: '/sys', type: 'sysfs', source: 'sysfs', options: ['nosuid', 'noexec', 'nodev', 'ro'] },
  {
    destination: '/sys/fs/cgroup',
    type: 'cgroup',
    source: 'cgroup',
    options: ['nosuid', 'noexec', 'nodev', 'relatime', 'ro'],
  },
]);

const charDevice = (path: string, major: number, minor: number): Device => ({
  type: 'c',
  path,
  major,
  minor,
  fileMode: 0o666,
  uid: 0,
  gid: 0,
});

/**
 * The device nodes every container gets (the runtime spec's "default
 * devices"; /dev/console and /dev/ptmx are set up separately).
 */
export const DEFAULT_DEVICES: readonly Readonly<Device>[] = deepFreeze([
  charDevice('/dev/null', 1, 3),
  charDevice('/dev/zero', 1, 5),
  charDevice('/dev/full', 1, 7),
  charDevice('/dev/random', 1, 8),
  charDevice('/dev/urandom', 1, 9),
  charDevice('/dev/tty', 5, 0),
]);

const allow = (type: 'c' | 'b', major: number | null, minor: number | null, access = 'rwm'): DeviceCgroupRule => ({
  allow: true,
  type,
  major,
  minor,
  access,
});

/**
 * The device cgroup rules: deny everything, then allow the default devices,
 * the console, the pty multiplexer and the ptys. Like runc, allow mknod (only)
 * of any character or block device: a node that cannot be opened is harmless,
 * and images that create nodes at start-up would fail otherwise.
 */
export const DEFAULT_DEVICE_CGROUP_RULES: readonly Readonly<DeviceCgroupRule>[] = deepFreeze([
  { allow: false, access: 'rwm' },
  allow('c', null, null, 'm'),
  allow('b', null, null, 'm'),
  ...DEFAULT_DEVICES.map((d) => allow('c', d.major ?? null, d.minor ?? null)),
  allow('c', 5, 1), // /dev/console
  allow('c', 5, 2), // /dev/ptmx
  allow('c', 136, null), // /dev/pts/*
]);

/**
 * The config.json `runc spec` writes, with the cgroup namespace (as runc does
 * on a cgroup v2 host). One difference: /proc is mounted nosuid,noexec,nodev
 * as Docker does, where `runc spec` gives it no options.
 */
export function defaultSpec(): Spec {
  const caps = ['CAP_AUDIT_WRITE', 'CAP_KILL', 'CAP_NET_BIND_SERVICE'];
  return {
    ociVersion: '1.0.2-dev',
    process: {
      terminal: true,
      user: { uid: 0, gid: 0 },
      args: ['sh'],
      env: ['PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', 'TERM=xterm'],
      cwd: '/',
      capabilities: { bounding: [...caps], effective: [...caps], permitted: [...caps] },
      rlimits: [{ type: 'RLIMIT_NOFILE', hard: 1024, soft: 1024 }],
      noNewPrivileges: true,
    },
    root: { path: 'rootfs', readonly: true },
    hostname: 'runc',
    mounts: structuredClone(DEFAULT_MOUNTS) as Mount[],
    linux: {
      resources: { devices: [{ allow: false, access: 'rwm' }] },
      namespaces: [{ type: 'pid' }, { type: 'network' }, { type: 'ipc' }, { type: 'uts' }, { type: 'mount' }, { type: 'cgroup' }],
      maskedPaths: [
        '/proc/acpi',
        '/proc/asound',
        '/proc/kcore',
        '/proc/keys',
        '/proc/latency_stats',
        '/proc/timer_list',
        '/proc/timer_stats',
        '/proc/sched_debug',
        '/sys/firmware',
        '/proc/scsi',
      ],
      readonlyPaths: [...DEFAULT_READONLY_PATHS],
    },
  };
}

/**
 * A mount's `options` array, split the way mount(2) wants it: MS_* flags,
 * propagation changes (each needs its own mount(2) call after the mount),
 * recursive mount_setattr(2) attributes ("rro", "rnosuid", …), and the rest
 * as the comma-joined fs-specific `data` string ("mode=755,size=65536k").
 * The option names and their meaning follow runc and mount(8).
 */
import { invalidArgument } from '../errors.js';

// <linux/mount.h> (uapi) / <sys/mount.h>
export const MS_RDONLY = 1;
export const MS_NOSUID = 2;
export const MS_NODEV = 4;
export const MS_NOEXEC = 8;
export const MS_SYNCHRONOUS = 16;
export const MS_REMOUNT = 32;
export const MS_MANDLOCK = 64;
export const MS_DIRSYNC = 128;
export const MS_NOSYMFOLLOW = 256;
export const MS_NOATIME = 1024;
export const MS_NODIRATIME = 2048;
export const MS_BIND = 4096;
export const MS_MOVE = 8192;
export const MS_REC = 16384;
export const MS_SILENT = 32768;
export const MS_POSIXACL = 1 << 16;
export const MS_UNBINDABLE = 1 << 17;
export const MS_PRIVATE = 1 << 18;
export const MS_SLAVE = 1 << 19;
export const MS_SHARED = 1 << 20;
export const MS_RELATIME = 1 << 21;
export const MS_KERNMOUNT = 1 << 22;
export const MS_I_VERSION = 1 << 23;
export const MS_STRICTATIME = 1 << 24;
export const MS_LAZYTIME = 1 << 25;

// mount_setattr(2) attributes (<linux/mount.h>)
export const MOUNT_ATTR_RDONLY = 0x00000001;
export const MOUNT_ATTR_NOSUID = 0x00000002;
export const MOUNT_ATTR_NODEV = 0x00000004;
export const MOUNT_ATTR_NOEXEC = 0x00000008;
/** The mask of the three atime modes below; setting one must clear this. */
export const MOUNT_ATTR__ATIME = 0x00000070;
export const MOUNT_ATTR_RELATIME = 0x00000000;
export const MOUNT_ATTR_NOATIME = 0x00000010;
export const MOUNT_ATTR_STRICTATIME = 0x00000020;
export const MOUNT_ATTR_NODIRATIME = 0x00000080;
export const MOUNT_ATTR_IDMAP = 0x00100000;
export const MOUNT_ATTR_NOSYMFOLLOW = 0x00200000;

interface FlagOption {
  /** true: the option clears the flag ("rw" clears MS_RDONLY). */
  readonly clear: boolean;
  readonly flag: number;
}

const f = (flag: number, clear = false): FlagOption => ({ flag, clear });

/** Options that are mount(2) flags. */
export const MOUNT_FLAG_OPTIONS: Readonly<Record<string, FlagOption>> = Object.freeze({
  acl: f(MS_POSIXACL),
  async: f(MS_SYNCHRONOUS, true),
  atime: f(MS_NOATIME, true),
  bind: f(MS_BIND),
  defaults: f(0),
  dev: f(MS_NODEV, true),
  diratime: f(MS_NODIRATIME, true),
  dirsync: f(MS_DIRSYNC),
  exec: f(MS_NOEXEC, true),
  iversion: f(MS_I_VERSION),
  lazytime: f(MS_LAZYTIME),
  loud: f(MS_SILENT, true),
  mand: f(MS_MANDLOCK),
  noacl: f(MS_POSIXACL, true),
  noatime: f(MS_NOATIME),
  nodev: f(MS_NODEV),
  nodiratime: f(MS_NODIRATIME),
  noexec: f(MS_NOEXEC),
  noiversion: f(MS_I_VERSION, true),
  nolazytime: f(MS_LAZYTIME, true),
  nomand: f(MS_MANDLOCK, true),
  norelatime: f(MS_RELATIME, true),
  nostrictatime: f(MS_STRICTATIME, true),
  nosuid: f(MS_NOSUID),
  nosymfollow: f(MS_NOSYMFOLLOW),
  rbind: f(MS_BIND | MS_REC),
  relatime: f(MS_RELATIME),
  remount: f(MS_REMOUNT),
  ro: f(MS_RDONLY),
  rw: f(MS_RDONLY, true),
  silent: f(MS_SILENT),
  strictatime: f(MS_STRICTATIME),
  suid: f(MS_NOSUID, true),
  symfollow: f(MS_NOSYMFOLLOW, true),
  sync: f(MS_SYNCHRONOUS),
});

/** Propagation options; each is applied by a separate mount(2) call. */
export const PROPAGATION_OPTIONS: Readonly<Record<string, number>> = Object.freeze({
  private: MS_PRIVATE,
  rprivate: MS_PRIVATE | MS_REC,
  shared: MS_SHARED,
  rshared: MS_SHARED | MS_REC,
  slave: MS_SLAVE,
  rslave: MS_SLAVE | MS_REC,
  unbindable: MS_UNBINDABLE,
  runbindable: MS_UNBINDABLE | MS_REC,
});

/** Recursive attributes ("rro" = read-only on the whole subtree), applied with mount_setattr(2). */
export const RECURSIVE_ATTR_OPTIONS: Readonly<Record<string, FlagOption>> = Object.freeze({
  rro: f(MOUNT_ATTR_RDONLY),
  rrw: f(MOUNT_ATTR_RDONLY, true),
  rnosuid: f(MOUNT_ATTR_NOSUID),
  rsuid: f(MOUNT_ATTR_NOSUID, true),
  rnodev: f(MOUNT_ATTR_NODEV),
  rdev: f(MOUNT_ATTR_NODEV, true),
  rnoexec: f(MOUNT_ATTR_NOEXEC),
  rexec: f(MOUNT_ATTR_NOEXEC, true),
  rnodiratime: f(MOUNT_ATTR_NODIRATIME),
  rdiratime: f(MOUNT_ATTR_NODIRATIME, true),
  rrelatime: f(MOUNT_ATTR_RELATIME),
  rnorelatime: f(MOUNT_ATTR_RELATIME, true),
  rnoatime: f(MOUNT_ATTR_NOATIME),
  ratime: f(MOUNT_ATTR_NOATIME, true),
  rstrictatime: f(MOUNT_ATTR_STRICTATIME),
  rnostrictatime: f(MOUNT_ATTR_STRICTATIME, true),
  rnosymfollow: f(MOUNT_ATTR_NOSYMFOLLOW),
  rsymfollow: f(MOUNT_ATTR_NOSYMFOLLOW, true),
});

/**
 * Runtime extensions that are neither flags nor fs data: "tmpcopyup" (copy
 * the image's content under a tmpfs destination into it), "idmap"/"ridmap"
 * (idmapped mount using the mount's uid/gid mappings).
 */
export const EXTENSION_OPTIONS: readonly string[] = Object.freeze(['tmpcopyup', 'idmap', 'ridmap']);

export interface MountOptions {
  /** MS_* flags for the mount(2) call (propagation excluded). */
  flags: number;
  /** Flags explicitly cleared by an option ("rw", "dev", …); matters when remounting a bind mount. */
  clearedFlags: number;
  /** The options mount(2) passes to the filesystem, comma-joined; "" when none. */
  data: string;
  /** Propagation changes, in order, each for its own mount(2) call. */
  propagation: number[];
  /** "bind" or "rbind" was given. */
  isBind: boolean;
  /** "rbind" (MS_REC together with MS_BIND). */
  isRecursive: boolean;
  /** mount_setattr(2) attr_set / attr_clr for the recursive options; both 0 when none. */
  recAttrSet: number;
  recAttrClr: number;
  /** Extension options present, in order. */
  extensions: string[];
}

/** Splits a mount's options. Never fails: unknown options are filesystem data, as in mount(8). */
export function parseMountOptions(options: readonly string[] | undefined): MountOptions {
  let flags = 0;
  let clearedFlags = 0;
  let recAttrSet = 0;
  let recAttrClr = 0;
  const data: string[] = [];
  const propagation: number[] = [];
  const extensions: string[] = [];
  for (const o of options ?? []) {
    const flag = Object.hasOwn(MOUNT_FLAG_OPTIONS, o) ? MOUNT_FLAG_OPTIONS[o] : undefined;
    const prop = Object.hasOwn(PROPAGATION_OPTIONS, o) ? PROPAGATION_OPTIONS[o] : undefined;
    const rec = Object.hasOwn(RECURSIVE_ATTR_OPTIONS, o) ? RECURSIVE_ATTR_OPTIONS[o] : undefined;
    if (flag !== undefined) {
      if (flag.clear) {
        flags &= ~flag.flag;
        clearedFlags |= flag.flag;
      } else {
        flags |= flag.flag;
        clearedFlags &= ~flag.flag;
      }
    } else if (prop !== undefined) {
      propagation.push(prop);
    } else if (rec !== undefined) {
      if (rec.clear) {
        recAttrClr |= rec.flag;
        recAttrSet &= ~rec.flag;
      } else {
        recAttrSet |= rec.flag;
        recAttrClr &= ~rec.flag;
        // Why: the atime modes are a 3-bit field, not independent bits; the
        // kernel wants the whole field cleared when one mode is set.
        if ((rec.flag & MOUNT_ATTR__ATIME) === rec.flag) recAttrClr |= MOUNT_ATTR__ATIME;
      }
    } else if (EXTENSION_OPTIONS.includes(o)) {
      if (!extensions.includes(o)) extensions.push(o);
    } else if (o !== '') {
      data.push(o);
    }
  }
  return {
    flags,
    clearedFlags,
    data: data.join(','),
    propagation,
    isBind: (flags & MS_BIND) !== 0,
    isRecursive: (flags & (MS_BIND | MS_REC)) === (MS_BIND | MS_REC),
    recAttrSet,
    recAttrClr,
    extensions,
  };
}

export function isPropagationOption(name: string): boolean {
  return Object.hasOwn(PROPAGATION_OPTIONS, name);
}

/**
 * `linux.rootfsPropagation` as flags. Absent or "" means runc's default,
 * rslave: the container sees the host's new mounts but never pushes its own
 * back (a shared root would leak every container mount to the host).
 */
export function rootfsPropagationFlags(name: string | undefined, field = 'linux.rootfsPropagation'): number {
  if (name === undefined || name === '') return MS_SLAVE | MS_REC;
  const flags = Object.hasOwn(PROPAGATION_OPTIONS, name) ? PROPAGATION_OPTIONS[name] : undefined;
  if (flags === undefined) throw invalidArgument(field, `unknown propagation ${JSON.stringify(name)}`);
  return flags;
}

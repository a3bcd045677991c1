/**
 * Linux capabilities by name, as the OCI spec spells them ("CAP_CHOWN"), and
 * their bit numbers from <linux/capability.h>. A capability set for capset(2)
 * is a 64-bit mask, so masks are bigints.
 */
import { invalidArgument } from '../errors.js';

/** Every capability the kernel knows up to Linux 5.9 (CAP_LAST_CAP = 40). */
export const CAPABILITIES: Readonly<Record<string, number>> = Object.freeze({
  CAP_CHOWN: 0,
  CAP_DAC_OVERRIDE: 1,
  CAP_DAC_READ_SEARCH: 2,
  CAP_FOWNER: 3,
  CAP_FSETID: 4,
  CAP_KILL: 5,
  CAP_SETGID: 6,
  CAP_SETUID: 7,
  CAP_SETPCAP: 8,
  CAP_LINUX_IMMUTABLE: 9,
  CAP_NET_BIND_SERVICE: 10,
  CAP_NET_BROADCAST: 11,
  CAP_NET_ADMIN: 12,
  CAP_NET_RAW: 13,
  CAP_IPC_LOCK: 14,
  CAP_IPC_OWNER: 15,
  CAP_SYS_MODULE: 16,
  CAP_SYS_RAWIO: 17,
  CAP_SYS_CHROOT: 18,
  CAP_SYS_PTRACE: 19,
  CAP_SYS_PACCT: 20,
  CAP_SYS_ADMIN: 21,
  CAP_SYS_BOOT: 22,
  CAP_SYS_NICE: 23,
  CAP_SYS_RESOURCE: 24,
  CAP_SYS_TIME: 25,
  CAP_SYS_TTY_CONFIG: 26,
  CAP_MKNOD: 27,
  CAP_LEASE: 28,
  CAP_AUDIT_WRITE: 29,
  CAP_AUDIT_CONTROL: 30,
  CAP_SETFCAP: 31,
  CAP_MAC_OVERRIDE: 32,
  CAP_MAC_ADMIN: 33,
  CAP_SYSLOG: 34,
  CAP_WAKE_ALARM: 35,
  CAP_BLOCK_SUSPEND: 36,
  CAP_AUDIT_READ: 37,
  CAP_PERFMON: 38,
  CAP_BPF: 39,
  CAP_CHECKPOINT_RESTORE: 40,
});

export const CAP_LAST_CAP = 40;

/** All capability names, in bit order. */
export const ALL_CAPABILITIES: readonly string[] = Object.freeze(
  Object.entries(CAPABILITIES)
    .sort((a, b) => a[1] - b[1])
    .map(([name]) => name),
);

export function isCapability(name: string): boolean {
  return Object.hasOwn(CAPABILITIES, name);
}

/** The bit number of `name` ("CAP_SYS_ADMIN" → 21); `field` names where it came from. */
export function capabilityNumber(name: string, field: string): number {
  const n = Object.hasOwn(CAPABILITIES, name) ? CAPABILITIES[name] : undefined;
  if (n === undefined) throw invalidArgument(field, `unknown capability ${JSON.stringify(name)}`);
  return n;
}

/** The 64-bit mask with one bit per named capability. */
export function capabilityMask(names: readonly string[], field: string): bigint {
  let mask = 0n;
  names.forEach((name, i) => {
    mask |= 1n << BigInt(capabilityNumber(name, `${field}[${i}]`));
  });
  return mask;
}

/**
 * Docker's spelling to the OCI one: `chown`, `cap_chown` and `CAP_CHOWN` all
 * become "CAP_CHOWN". "ALL" stays "ALL" (callers expand it). Unknown names are
 * an error naming `field`.
 */
export function normalizeCapability(name: string, field: string): string {
  const upper = name.trim().toUpperCase();
  if (upper === 'ALL') return upper;
  const full = upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
  if (!isCapability(full)) throw invalidArgument(field, `unknown capability ${JSON.stringify(name)}`);
  return full;
}

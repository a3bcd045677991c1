/**
 * POSIX resource limits by OCI name ("RLIMIT_NOFILE") and their resource
 * numbers for setrlimit(2)/prlimit(2). These are the generic Linux numbers
 * (x86_64, arm64, riscv64, s390x, ppc64); MIPS and SPARC number a few
 * differently, and berth does not run there.
 */
import { invalidArgument } from '../errors.js';

export const RLIMITS: Readonly<Record<string, number>> = Object.freeze({
  RLIMIT_CPU: 0,
  RLIMIT_FSIZE: 1,
  RLIMIT_DATA: 2,
  RLIMIT_STACK: 3,
  RLIMIT_CORE: 4,
  RLIMIT_RSS: 5,
  RLIMIT_NPROC: 6,
  RLIMIT_NOFILE: 7,
  RLIMIT_MEMLOCK: 8,
  RLIMIT_AS: 9,
  RLIMIT_LOCKS: 10,
  RLIMIT_SIGPENDING: 11,
  RLIMIT_MSGQUEUE: 12,
  RLIMIT_NICE: 13,
  RLIMIT_RTPRIO: 14,
  RLIMIT_RTTIME: 15,
});

/** RLIM_INFINITY as an unsigned 64-bit value ("unlimited"). */
export const RLIM_INFINITY = 0xffff_ffff_ffff_ffffn;

export function isRlimitType(type: string): boolean {
  return Object.hasOwn(RLIMITS, type);
}

/** The resource number of `type` ("RLIMIT_NOFILE" → 7); `field` names where it came from. */
export function rlimitNumber(type: string, field: string): number {
  const n = Object.hasOwn(RLIMITS, type) ? RLIMITS[type] : undefined;
  if (n === undefined) throw invalidArgument(field, `unknown rlimit type ${JSON.stringify(type)}`);
  return n;
}

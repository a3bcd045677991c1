import { invalidArgument } from '../../errors.js';

/** seccomp(2) SECCOMP_SET_MODE_FILTER flags an OCI profile may name (linux/seccomp.h). */
export const SECCOMP_FILTER_FLAGS: Readonly<Record<string, number>> = {
  /** Install the filter on every thread of the process at once. */
  SECCOMP_FILTER_FLAG_TSYNC: 1,
  /** Log every action except ALLOW (subject to the kernel's actions_logged sysctl). */
  SECCOMP_FILTER_FLAG_LOG: 2,
  /** Keep Speculative Store Bypass mitigation off (the kernel turns it on for filtered tasks by default). */
  SECCOMP_FILTER_FLAG_SPEC_ALLOW: 4,
};

/**
 * The flags word to pass to seccomp(SECCOMP_SET_MODE_FILTER, flags, prog).
 * Unknown names are an error rather than ignored: a profile that asks for a
 * behaviour we cannot give should not run silently without it.
 */
export function seccompFlags(flags: readonly unknown[] | undefined, field = 'linux.seccomp.flags'): number {
  if (flags === undefined) return 0;
  if (!Array.isArray(flags)) throw invalidArgument(field, 'must be a list of flag names');
  let word = 0;
  flags.forEach((name, i) => {
    if (name === 'SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV' || name === 'SECCOMP_FILTER_FLAG_NEW_LISTENER') {
      throw invalidArgument(`${field}[${i}]`, `${name} is only meaningful with SCMP_ACT_NOTIFY, which is not supported`);
    }
    const bit = typeof name === 'string' && Object.hasOwn(SECCOMP_FILTER_FLAGS, name) ? SECCOMP_FILTER_FLAGS[name] : undefined;
    if (bit === undefined) throw invalidArgument(`${field}[${i}]`, `unknown seccomp flag ${JSON.stringify(name)}`);
    word |= bit;
  });
  return word;
}

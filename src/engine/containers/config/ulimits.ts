/**
 * `--ulimit name=soft[:hard]` entries, as OCI rlimits. -1 means unlimited
 * (RLIM_INFINITY), as with go-units, which the docker CLI uses.
 */
import { invalidArgument } from '../../../errors.js';
import { at } from '../../../oci/json-check.js';
import { isRlimitType } from '../../../oci/rlimits.js';
import type { Rlimit } from '../../../oci/spec.js';
import type { Ulimit } from './host-config.js';

/** 2^64-1 as a JSON number; it rounds to 2^64, which the runtime reads as RLIM_INFINITY. */
const INFINITY = 18446744073709551615;

const asLimit = (n: number) => (n === -1 ? INFINITY : n);

export function ulimitToRlimit(u: Ulimit, field: string): Rlimit {
  const name = u.Name ?? '';
  const type = `RLIMIT_${name.toUpperCase()}`;
  if (!isRlimitType(type)) throw invalidArgument(at(field, 'Name'), `invalid ulimit type: ${name}`);
  const soft = u.Soft ?? 0;
  const hard = u.Hard ?? 0;
  for (const [key, n] of [['Soft', soft], ['Hard', hard]] as const) {
    if (n < -1) throw invalidArgument(at(field, key), `must be -1 (unlimited) or a non-negative number, got ${n}`);
  }
  if (asLimit(soft) > asLimit(hard)) {
    throw invalidArgument(at(field, 'Soft'), `ulimit soft limit must be less than or equal to hard limit: ${soft} > ${hard}`);
  }
  return { type, soft: asLimit(soft), hard: asLimit(hard) };
}

/** All of them, each name at most once. */
export function ulimitsToRlimits(list: readonly Ulimit[] | undefined, field = 'HostConfig.Ulimits'): Rlimit[] {
  const seen = new Set<string>();
  return (list ?? []).map((u, i) => {
    const r = ulimitToRlimit(u, at(field, i));
    if (seen.has(r.type)) throw invalidArgument(at(at(field, i), 'Name'), `duplicate ulimit ${JSON.stringify(u.Name)}`);
    seen.add(r.type);
    return r;
  });
}

import { invalidArgument } from '../errors.js';
import type { Filters } from './actions.js';

/** Docker's reading of a boolean query parameter: anything but "", 0, no, false, none is true. */
export function queryBool(q: URLSearchParams, name: string): boolean {
  const v = q.get(name);
  return v !== null && !['', '0', 'no', 'false', 'none'].includes(v.toLowerCase());
}

/**
 * `filters={"reference":{"app":true}}`, or the older `{"reference":["app"]}`
 * form that some clients still send.
 */
export function queryFilters(q: URLSearchParams): Filters {
  const raw = q.get('filters');
  const out = new Map<string, string[]>();
  if (raw === null || raw === '') return out;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch {
    throw invalidArgument('filters', 'invalid filter: not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw invalidArgument('filters', 'invalid filter: want an object');
  for (const [name, values] of Object.entries(parsed)) {
    if (Array.isArray(values) && values.every((v) => typeof v === 'string')) out.set(name, values as string[]);
    else if (typeof values === 'object' && values !== null && !Array.isArray(values)) out.set(name, Object.keys(values));
    else throw invalidArgument('filters', `invalid filter "${name}"`);
  }
  return out;
}

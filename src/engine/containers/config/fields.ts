/**
 * Table-driven reading of Docker's JSON objects: each field of a type gets a
 * check, and the parsed object holds exactly the fields that were present.
 * Nulls count as absent (the docker CLI sends many), unknown fields are
 * ignored (as dockerd ignores them), and a wrong type is an InvalidArgument
 * naming the field path (`HostConfig.Memory: must be an integer, got …`).
 */
import { invalidArgument } from '../../../errors.js';
import type { EmptyObject } from '../../../image/image-config.js';
import {
  at,
  expectArray,
  expectInteger,
  expectObject,
  expectString,
  type JsonObject,
} from '../../../oci/json-check.js';

export type Check<T> = (v: unknown, field: string) => T;

/** One check per field of T; the result's type follows from the table. */
export type Checks<T> = { [K in keyof T]-?: Check<Exclude<T[K], undefined>> };

/** Reads the fields of `table` from `o` (at JSON path `field`). */
export function readFields<T extends object>(o: JsonObject, field: string, table: Checks<T>): T {
  const out: Partial<Record<keyof T, unknown>> = {};
  for (const key of Object.keys(table) as (keyof T & string)[]) {
    const v = o[key];
    if (v === undefined || v === null) continue;
    out[key] = table[key](v, at(field, key));
  }
  return out as T;
}

/** An object of the shape `table` describes. */
export function objectOf<T extends object>(table: Checks<T>): Check<T> {
  return (v, field) => readFields(expectObject(v, field), field, table);
}

/** An array whose elements pass `check`. */
export function arrayOf<T>(check: Check<T>): Check<T[]> {
  return (v, field) => expectArray(v, field).map((x, i) => check(x, at(field, i)));
}

/** A JSON object whose values pass `check`. */
export function mapOf<T>(check: Check<T>): Check<Record<string, T>> {
  return (v, field) => {
    const o = expectObject(v, field);
    return Object.fromEntries(Object.entries(o).filter(([, x]) => x !== null).map(([k, x]) => [k, check(x, at(field, k))]));
  };
}

export const int: Check<number> = (v, field) => expectInteger(v, field);
export const nonNegative: Check<number> = (v, field) => expectInteger(v, field, { min: 0 });
export const stringArray: Check<string[]> = arrayOf(expectString);
export const stringMap: Check<Record<string, string>> = mapOf(expectString);

/** Docker's StrSlice: one string or a list of them (`"Cmd": "ls"` means ["ls"]). */
export const strSlice: Check<string[]> = (v, field) => (typeof v === 'string' ? [v] : stringArray(v, field));

/** A JSON object used as a set (`"80/tcp": {}`): only its keys count. */
export const keySet: Check<Record<string, EmptyObject>> = (v, field) =>
  Object.fromEntries(Object.keys(expectObject(v, field)).map((k) => [k, {}])) as Record<string, EmptyObject>;

/** A string that must be one of `allowed`; `what` names it in the message. */
export function oneOf<T extends string>(allowed: readonly T[], what: string): Check<T> {
  return (v, field) => {
    const s = expectString(v, field);
    if (!(allowed as readonly string[]).includes(s)) {
      throw invalidArgument(field, `unknown ${what} ${JSON.stringify(s)} (want ${allowed.filter((a) => a !== '').join(', ')})`);
    }
    return s as T;
  };
}

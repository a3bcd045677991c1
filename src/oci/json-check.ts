/**
 * Small checks for parsed JSON of unknown shape. Each takes the value and the
 * JSON field path it came from (`linux.namespaces[2].type`) and either returns
 * the value typed or throws InvalidArgument naming that field.
 */
import { invalidArgument } from '../errors.js';

export type JsonObject = { [key: string]: unknown };

/** `field.key`, or `field[i]` for a number. */
export function at(field: string, key: string | number): string {
  if (typeof key === 'number') return `${field}[${key}]`;
  return field === '' ? key : `${field}.${key}`;
}

function describe(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'an array';
  if (typeof v === 'string') return `string ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  if (typeof v === 'number' || typeof v === 'boolean') return `${typeof v} ${String(v)}`;
  return typeof v === 'object' ? 'an object' : typeof v;
}

const fail = (field: string, want: string, v: unknown) => invalidArgument(field, `must be ${want}, got ${describe(v)}`);

export function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function expectObject(v: unknown, field: string): JsonObject {
  if (!isObject(v)) throw fail(field, 'an object', v);
  return v;
}

export function expectArray(v: unknown, field: string): unknown[] {
  if (!Array.isArray(v)) throw fail(field, 'an array', v);
  return v;
}

export function expectString(v: unknown, field: string): string {
  if (typeof v !== 'string') throw fail(field, 'a string', v);
  return v;
}

export function expectBoolean(v: unknown, field: string): boolean {
  if (typeof v !== 'boolean') throw fail(field, 'a boolean', v);
  return v;
}

export function expectNumber(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) throw fail(field, 'a number', v);
  return v;
}

export interface IntegerRange {
  min?: number;
  max?: number;
}

/** An integer within [min, max] (both inclusive, both optional). */
export function expectInteger(v: unknown, field: string, range: IntegerRange = {}): number {
  if (typeof v !== 'number' || !Number.isInteger(v)) throw fail(field, 'an integer', v);
  const { min, max } = range;
  if ((min !== undefined && v < min) || (max !== undefined && v > max)) {
    const want =
      min !== undefined && max !== undefined
        ? `between ${min} and ${max}`
        : min !== undefined
          ? min === 0
            ? 'non-negative'
            : `at least ${min}`
          : `at most ${String(max)}`;
    throw invalidArgument(field, `must be ${want}, got ${v}`);
  }
  return v;
}

export const UINT32_MAX = 0xffff_ffff;

/** A non-negative integer that fits in 32 bits (uids, gids, modes). */
export const expectUint32 = (v: unknown, field: string) => expectInteger(v, field, { min: 0, max: UINT32_MAX });

/**
 * A non-negative integer meant as uint64. JSON numbers above 2^53 lose
 * precision but stay integers (RLIM_INFINITY reads as 18446744073709552000).
 */
export const expectUint64 = (v: unknown, field: string) => expectInteger(v, field, { min: 0 });

export function expectStringArray(v: unknown, field: string): string[] {
  const arr = expectArray(v, field);
  arr.forEach((s, i) => expectString(s, at(field, i)));
  return arr as string[];
}

export function expectAbsolutePath(v: unknown, field: string): string {
  const p = expectString(v, field);
  if (p === '') throw invalidArgument(field, 'must not be empty');
  if (!p.startsWith('/')) throw invalidArgument(field, `must be an absolute path, got ${JSON.stringify(p)}`);
  if (p.includes('\0')) throw invalidArgument(field, 'must not contain a NUL byte');
  return p;
}

export function expectStringMap(v: unknown, field: string): Record<string, string> {
  const o = expectObject(v, field);
  for (const [k, val] of Object.entries(o)) expectString(val, at(field, k));
  return o as Record<string, string>;
}

/** Runs `check` on `o[key]` when present; absent (or null) fields are fine. */
export function optional<T>(o: JsonObject, key: string, field: string, check: (v: unknown, field: string) => T): T | undefined {
  const v = o[key];
  return v === undefined || v === null ? undefined : check(v, at(field, key));
}

/** Runs `check` on `o[key]`, which must be present. */
export function required<T>(o: JsonObject, key: string, field: string, check: (v: unknown, field: string) => T): T {
  const v = o[key];
  if (v === undefined || v === null) throw invalidArgument(at(field, key), 'is required');
  return check(v, at(field, key));
}

/** Runs `check` on each element of the optional array `o[key]`. */
export function optionalEach(o: JsonObject, key: string, field: string, check: (v: unknown, field: string) => void): void {
  const arr = optional(o, key, field, expectArray);
  arr?.forEach((v, i) => check(v, at(at(field, key), i)));
}

/**
 * A deep copy without null-valued object properties. Go tools write `null`
 * for unset slices and pointers; the OCI spec treats that as absent, and the
 * TypeScript types say absent. Nulls inside arrays are kept (and rejected).
 */
export function withoutNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(withoutNulls);
  if (isObject(v)) {
    const out: JsonObject = {};
    for (const [k, val] of Object.entries(v)) if (val !== null) out[k] = withoutNulls(val);
    return out;
  }
  return v;
}

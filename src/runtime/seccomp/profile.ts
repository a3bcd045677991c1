import { SECCOMP_OPERATORS } from '../../oci/validate-seccomp.js';
import { invalidArgument } from '../../errors.js';
import type { Seccomp, SeccompOperator } from '../../oci/spec.js';
import { actionValue } from './actions.js';
import { SECCOMP_MAX_ARGS } from './constants.js';
import { seccompFlags } from './flags.js';

/** One argument test: `args[index] <op> value` (MASKED_EQ: `(args[index] & value) == valueTwo`), unsigned 64-bit. */
export interface Condition {
  readonly index: number;
  readonly op: SeccompOperator;
  readonly value: bigint;
  readonly valueTwo: bigint;
}

/** Return `action` when every condition holds (no conditions: always). */
export interface Rule {
  readonly action: number;
  readonly conditions: readonly Condition[];
}

/** One `syscalls[]` entry of the profile after checking: its rules apply to each of its names. */
export interface ProfileEntry {
  readonly names: readonly string[];
  readonly rules: readonly Rule[];
}

/** A checked OCI seccomp profile, independent of architecture. */
export interface Profile {
  readonly defaultAction: number;
  readonly flags: number;
  readonly architectures: readonly unknown[] | undefined;
  readonly entries: readonly ProfileEntry[];
}

const OPERATORS: ReadonlySet<string> = new Set<string>(SECCOMP_OPERATORS);

/** What the kernel's syscall tables use: lower case, digits, underscores ("_llseek", "umount2"). */
const SYSCALL_NAME = /^[a-z_][a-z0-9_]{0,63}$/;

const U64_LIMIT = 1n << 64n;

const FIELD = 'linux.seccomp';

/**
 * Checks an OCI seccomp profile and turns it into rules. Names are checked
 * for syntax only here; whether a syscall exists is a question for each
 * architecture's table (Docker's profile names syscalls that only some
 * architectures have, and those are skipped silently, as runc does).
 */
export function parseProfile(seccomp: Seccomp): Profile {
  if (typeof seccomp !== 'object' || seccomp === null) throw invalidArgument(FIELD, 'must be an object');
  const defaultAction = actionValue(
    seccomp.defaultAction,
    `${FIELD}.defaultAction`,
    seccomp.defaultErrnoRet,
    `${FIELD}.defaultErrnoRet`,
  );
  const flags = seccompFlags(seccomp.flags, `${FIELD}.flags`);
  const rawSyscalls: unknown = seccomp.syscalls;
  if (rawSyscalls !== undefined && !Array.isArray(rawSyscalls)) throw invalidArgument(`${FIELD}.syscalls`, 'must be a list');
  const entries = ((rawSyscalls ?? []) as unknown[]).map((entry, i) => parseEntry(entry, `${FIELD}.syscalls[${i}]`));
  return { defaultAction, flags, architectures: seccomp.architectures, entries };
}

function parseEntry(entry: unknown, field: string): ProfileEntry {
  if (typeof entry !== 'object' || entry === null) throw invalidArgument(field, 'must be an object');
  const { names, action, errnoRet, args } = entry as Record<string, unknown>;
  if (names === undefined || names === null) throw invalidArgument(`${field}.names`, 'names are required');
  if (!Array.isArray(names)) throw invalidArgument(`${field}.names`, 'must be a list of syscall names');
  if (names.length === 0) throw invalidArgument(`${field}.names`, 'must name at least one syscall');
  const checked = new Set<string>();
  names.forEach((name: unknown, j) => {
    if (typeof name !== 'string' || !SYSCALL_NAME.test(name)) {
      throw invalidArgument(`${field}.names[${j}]`, `invalid syscall name ${JSON.stringify(name)}`);
    }
    checked.add(name);
  });
  const value = actionValue(action, `${field}.action`, errnoRet, `${field}.errnoRet`);
  if (args !== undefined && args !== null && !Array.isArray(args)) throw invalidArgument(`${field}.args`, 'must be a list');
  const conditions = ((args ?? []) as unknown[]).map((arg, j) => parseCondition(arg, `${field}.args[${j}]`));
  return { names: [...checked], rules: splitRules(value, conditions) };
}

/**
 * Conditions of one entry are ANDed, except when two test the same
 * argument: then runc adds each condition as a rule of its own (ORed),
 * because libseccomp could not AND two tests of one argument. Profiles
 * written for runc (e.g. "flags is X or Y" as two conditions on arg 1)
 * depend on that, so berth does the same.
 */
function splitRules(action: number, conditions: readonly Condition[]): Rule[] {
  const indexes = new Set(conditions.map((c) => c.index));
  if (indexes.size === conditions.length) return [{ action, conditions }];
  return conditions.map((c) => ({ action, conditions: [c] }));
}

function parseCondition(arg: unknown, field: string): Condition {
  if (typeof arg !== 'object' || arg === null) throw invalidArgument(field, 'must be an object');
  const { index, op, value, valueTwo } = arg as Record<string, unknown>;
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= SECCOMP_MAX_ARGS) {
    throw invalidArgument(`${field}.index`, `must be an integer from 0 to ${SECCOMP_MAX_ARGS - 1}`);
  }
  if (typeof op !== 'string' || !OPERATORS.has(op)) {
    throw invalidArgument(`${field}.op`, `unknown operator ${JSON.stringify(op)}`);
  }
  const masked = op === 'SCMP_CMP_MASKED_EQ';
  return {
    index,
    op: op as SeccompOperator,
    value: parseU64(value, `${field}.value`),
    // Only MASKED_EQ reads valueTwo (the datum); runc passes 0 when absent.
    valueTwo: masked && valueTwo !== undefined && valueTwo !== null ? parseU64(valueTwo, `${field}.valueTwo`) : 0n,
  };
}

/** An unsigned 64-bit argument value from a JSON number or a bigint. */
export function parseU64(value: unknown, field: string): bigint {
  if (typeof value === 'bigint') {
    if (value < 0n || value >= U64_LIMIT) throw invalidArgument(field, 'must be an unsigned 64-bit integer');
    return value;
  }
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0) {
    throw invalidArgument(field, 'must be an unsigned 64-bit integer');
  }
  // 2^64 - 1 written as a JSON number parses to exactly 2^64 (doubles have
  // 53 bits of mantissa): say so instead of wrapping it to 0.
  if (value >= 2 ** 64) {
    throw invalidArgument(field, 'exceeds 2^64-1 (JSON numbers near 2^64 round up; pass a bigint)');
  }
  return BigInt(value);
}

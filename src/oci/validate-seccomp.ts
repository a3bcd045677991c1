/**
 * Structural checks of `linux.seccomp`: the names and shapes the seccomp
 * compiler relies on. Syscall names are not checked against a table here
 * (unknown ones are skipped by the compiler, as libseccomp-based runtimes do).
 */
import { invalidArgument } from '../errors.js';
import type { SeccompAction, SeccompOperator } from './spec.js';
import {
  at,
  expectArray,
  expectInteger,
  expectObject,
  expectString,
  expectStringArray,
  expectUint64,
  optional,
  optionalEach,
  required,
} from './json-check.js';

export const SECCOMP_ACTIONS: readonly SeccompAction[] = Object.freeze([
  'SCMP_ACT_KILL',
  'SCMP_ACT_KILL_PROCESS',
  'SCMP_ACT_KILL_THREAD',
  'SCMP_ACT_TRAP',
  'SCMP_ACT_ERRNO',
  'SCMP_ACT_TRACE',
  'SCMP_ACT_ALLOW',
  'SCMP_ACT_LOG',
  'SCMP_ACT_NOTIFY',
]);

export const SECCOMP_OPERATORS: readonly SeccompOperator[] = Object.freeze([
  'SCMP_CMP_NE',
  'SCMP_CMP_LT',
  'SCMP_CMP_LE',
  'SCMP_CMP_EQ',
  'SCMP_CMP_GE',
  'SCMP_CMP_GT',
  'SCMP_CMP_MASKED_EQ',
]);

export const SECCOMP_ARCHITECTURES: readonly string[] = Object.freeze([
  'SCMP_ARCH_NATIVE',
  'SCMP_ARCH_X86',
  'SCMP_ARCH_X86_64',
  'SCMP_ARCH_X32',
  'SCMP_ARCH_ARM',
  'SCMP_ARCH_AARCH64',
  'SCMP_ARCH_MIPS',
  'SCMP_ARCH_MIPS64',
  'SCMP_ARCH_MIPS64N32',
  'SCMP_ARCH_MIPSEL',
  'SCMP_ARCH_MIPSEL64',
  'SCMP_ARCH_MIPSEL64N32',
  'SCMP_ARCH_PPC',
  'SCMP_ARCH_PPC64',
  'SCMP_ARCH_PPC64LE',
  'SCMP_ARCH_S390',
  'SCMP_ARCH_S390X',
  'SCMP_ARCH_PARISC',
  'SCMP_ARCH_PARISC64',
  'SCMP_ARCH_RISCV64',
  'SCMP_ARCH_LOONGARCH64',
  'SCMP_ARCH_M68K',
  'SCMP_ARCH_SH',
  'SCMP_ARCH_SHEB',
]);

export const SECCOMP_FLAGS: readonly string[] = Object.freeze([
  'SECCOMP_FILTER_FLAG_TSYNC',
  'SECCOMP_FILTER_FLAG_LOG',
  'SECCOMP_FILTER_FLAG_SPEC_ALLOW',
  'SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV',
]);

/** Syscall arguments are numbered 0 to 5. */
export const SECCOMP_MAX_ARG_INDEX = 5;

function oneOf(known: readonly string[], what: string) {
  return (v: unknown, field: string): string => {
    const s = expectString(v, field);
    if (!known.includes(s)) throw invalidArgument(field, `unknown ${what} ${JSON.stringify(s)}`);
    return s;
  };
}

const action = oneOf(SECCOMP_ACTIONS, 'seccomp action');
const operator = oneOf(SECCOMP_OPERATORS, 'seccomp operator');
const architecture = oneOf(SECCOMP_ARCHITECTURES, 'seccomp architecture');
const flag = oneOf(SECCOMP_FLAGS, 'seccomp flag');
const errnoRet = (v: unknown, field: string) => expectInteger(v, field, { min: 0, max: 4095 });

function validateArg(v: unknown, field: string): void {
  const a = expectObject(v, field);
  required(a, 'index', field, (x, f) => expectInteger(x, f, { min: 0, max: SECCOMP_MAX_ARG_INDEX }));
  required(a, 'value', field, expectUint64);
  optional(a, 'valueTwo', field, expectUint64);
  required(a, 'op', field, operator);
}

function validateSyscall(v: unknown, field: string): SeccompAction {
  const s = expectObject(v, field);
  const names = required(s, 'names', field, expectStringArray);
  if (names.length === 0) throw invalidArgument(at(field, 'names'), 'must not be empty');
  names.forEach((n, i) => {
    if (n === '') throw invalidArgument(at(at(field, 'names'), i), 'must not be empty');
  });
  const act = required(s, 'action', field, action) as SeccompAction;
  optional(s, 'errnoRet', field, errnoRet);
  optionalEach(s, 'args', field, validateArg);
  return act;
}

/** Checks `linux.seccomp` (or any seccomp object, given its field path). */
export function validateSeccomp(v: unknown, field = 'linux.seccomp'): void {
  const s = expectObject(v, field);
  const actions = [required(s, 'defaultAction', field, action)];
  optional(s, 'defaultErrnoRet', field, errnoRet);
  optionalEach(s, 'architectures', field, architecture);
  optionalEach(s, 'flags', field, flag);
  const listenerPath = optional(s, 'listenerPath', field, expectString);
  optional(s, 'listenerMetadata', field, expectString);
  const syscalls = optional(s, 'syscalls', field, expectArray) ?? [];
  syscalls.forEach((c, i) => actions.push(validateSyscall(c, at(at(field, 'syscalls'), i))));
  // The runtime hands the notify fd to this socket; without it nobody answers
  // and every notified syscall blocks forever.
  if (actions.includes('SCMP_ACT_NOTIFY') && !listenerPath) {
    throw invalidArgument(at(field, 'listenerPath'), 'is required when an action is SCMP_ACT_NOTIFY');
  }
}

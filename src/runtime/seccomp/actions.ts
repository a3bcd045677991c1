import { invalidArgument } from '../../errors.js';
import {
  SECCOMP_RET_ACTION_FULL,
  SECCOMP_RET_ALLOW,
  SECCOMP_RET_DATA,
  SECCOMP_RET_ERRNO,
  SECCOMP_RET_KILL_PROCESS,
  SECCOMP_RET_KILL_THREAD,
  SECCOMP_RET_LOG,
  SECCOMP_RET_TRACE,
  SECCOMP_RET_TRAP,
} from './constants.js';

/** errno a profile gets when it names SCMP_ACT_ERRNO or SCMP_ACT_TRACE without errnoRet (runc: EPERM). */
export const DEFAULT_ERRNO = 1;

const PLAIN: Readonly<Record<string, number>> = {
  // libseccomp's SCMP_ACT_KILL is the thread-killing action, kept as is for
  // compatibility; profiles that mean "the process" say KILL_PROCESS.
  SCMP_ACT_KILL: SECCOMP_RET_KILL_THREAD,
  SCMP_ACT_KILL_THREAD: SECCOMP_RET_KILL_THREAD,
  SCMP_ACT_KILL_PROCESS: SECCOMP_RET_KILL_PROCESS,
  SCMP_ACT_TRAP: SECCOMP_RET_TRAP,
  SCMP_ACT_ALLOW: SECCOMP_RET_ALLOW,
  SCMP_ACT_LOG: SECCOMP_RET_LOG,
};

/** Actions whose low 16 bits carry errnoRet: the errno itself, or the tracer's message. */
const WITH_DATA: Readonly<Record<string, number>> = {
  SCMP_ACT_ERRNO: SECCOMP_RET_ERRNO,
  SCMP_ACT_TRACE: SECCOMP_RET_TRACE,
};

/**
 * The 32-bit value a filter returns for an OCI seccomp action.
 *
 * `errnoRet` is used by ERRNO and TRACE only and ignored elsewhere, as runc
 * does. It must fit SECCOMP_RET_DATA (16 bits); note that the kernel caps an
 * ERRNO value above MAX_ERRNO (4095) to 4095 when it returns it.
 */
export function actionValue(action: unknown, actionField: string, errnoRet: unknown, errnoField: string): number {
  if (action === undefined || action === null || action === '') {
    throw invalidArgument(actionField, 'action is required');
  }
  if (typeof action !== 'string') throw invalidArgument(actionField, 'action must be a string');
  if (action === 'SCMP_ACT_NOTIFY') {
    throw invalidArgument(actionField, 'SCMP_ACT_NOTIFY is not supported: berth has no seccomp notify listener');
  }
  const plain = PLAIN[action];
  if (plain !== undefined && Object.hasOwn(PLAIN, action)) return plain >>> 0;
  const withData = WITH_DATA[action];
  if (withData === undefined || !Object.hasOwn(WITH_DATA, action)) {
    throw invalidArgument(actionField, `unknown action "${action}"`);
  }
  return (withData | errnoValue(errnoRet, errnoField)) >>> 0;
}

function errnoValue(errnoRet: unknown, field: string): number {
  if (errnoRet === undefined || errnoRet === null) return DEFAULT_ERRNO;
  if (typeof errnoRet !== 'number' || !Number.isInteger(errnoRet) || errnoRet < 0 || errnoRet > SECCOMP_RET_DATA) {
    throw invalidArgument(field, `must be an integer from 0 to ${SECCOMP_RET_DATA}`);
  }
  return errnoRet;
}

/** Human-readable form of a filter return value, for test failures and debugging: "ERRNO(38)". */
export function describeAction(value: number): string {
  const full = (value & SECCOMP_RET_ACTION_FULL) >>> 0;
  const data = value & SECCOMP_RET_DATA;
  switch (full) {
    case SECCOMP_RET_KILL_PROCESS:
      return 'KILL_PROCESS';
    case SECCOMP_RET_KILL_THREAD:
      return 'KILL_THREAD';
    case SECCOMP_RET_TRAP:
      return `TRAP(${data})`;
    case SECCOMP_RET_ERRNO:
      return `ERRNO(${data})`;
    case SECCOMP_RET_TRACE:
      return `TRACE(${data})`;
    case SECCOMP_RET_LOG:
      return 'LOG';
    case SECCOMP_RET_ALLOW:
      return 'ALLOW';
    default:
      return `0x${value.toString(16)}`;
  }
}

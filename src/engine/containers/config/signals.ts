/**
 * Signal names as Docker accepts them (StopSignal, `docker kill -s`): "TERM",
 * "SIGTERM", "sigterm", "15", "SIGRTMIN+3". Numbers are the Linux ones of
 * x86, arm and most other architectures berth runs on.
 */
import { invalidArgument } from '../../../errors.js';

const BASE: Record<string, number> = {
  HUP: 1, INT: 2, QUIT: 3, ILL: 4, TRAP: 5, ABRT: 6, IOT: 6, BUS: 7, FPE: 8, KILL: 9, USR1: 10,
  SEGV: 11, USR2: 12, PIPE: 13, ALRM: 14, TERM: 15, STKFLT: 16, CHLD: 17, CLD: 17, CONT: 18, STOP: 19,
  TSTP: 20, TTIN: 21, TTOU: 22, URG: 23, XCPU: 24, XFSZ: 25, VTALRM: 26, PROF: 27, WINCH: 28,
  IO: 29, POLL: 29, PWR: 30, SYS: 31,
};

const SIGRTMIN = 34;
const SIGRTMAX = 64;

function realtime(): Record<string, number> {
  const rt: Record<string, number> = { RTMIN: SIGRTMIN, RTMAX: SIGRTMAX };
  for (let i = 1; i <= 15; i++) rt[`RTMIN+${i}`] = SIGRTMIN + i;
  for (let i = 1; i <= 14; i++) rt[`RTMAX-${i}`] = SIGRTMAX - i;
  return rt;
}

/** Name without "SIG" → number. */
export const SIGNALS: Readonly<Record<string, number>> = Object.freeze({ ...BASE, ...realtime() });

/** The signal number of `raw`; anything else is InvalidArgument naming `field`, in Docker's words. */
export function parseSignal(raw: string, field: string): number {
  if (/^\d+$/.test(raw)) {
    const n = Number(raw);
    if (n >= 1 && n <= SIGRTMAX) return n;
  } else {
    const name = raw.toUpperCase().replace(/^SIG/, '');
    const n = Object.hasOwn(SIGNALS, name) ? SIGNALS[name] : undefined;
    if (n !== undefined) return n;
  }
  throw invalidArgument(field, `invalid signal: ${raw}`);
}

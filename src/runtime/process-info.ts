import { readFileSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

let bootIdCache: string | undefined;

/** Changes at every boot: /run is on disk on some hosts, so a saved pid must be checked against it. */
export function bootId(): string {
  bootIdCache ??= readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  return bootIdCache;
}

interface ProcStat {
  state: string;
  startTime: number;
}

function readStat(pid: number): ProcStat | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses; the
    // fields we want come after its last ')'.
    const rest = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return { state: rest[0] ?? '?', startTime: Number(rest[19]) };
  } catch {
    return undefined;
  }
}

export function processStartTime(pid: number): number | undefined {
  return readStat(pid)?.startTime;
}

/** The process exists, is not a zombie, and is the one we started (same start time). */
export function isAlive(pid: number, startTime?: number): boolean {
  if (pid <= 0) return false;
  const s = readStat(pid);
  if (!s || s.state === 'Z' || s.state === 'X') return false;
  return startTime === undefined || s.startTime === startTime;
}

/** Waits until the process is gone (or a zombie nobody reaps yet); false on timeout. */
export async function waitGone(pid: number, startTime: number | undefined, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let delay = 1;
  while (isAlive(pid, startTime)) {
    if (Date.now() > deadline) return false;
    await sleep(delay);
    delay = Math.min(delay * 2, 20);
  }
  return true;
}

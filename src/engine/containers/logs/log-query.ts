import { invalidArgument } from '../../../errors.js';
import { parseRfc3339 } from './log-entry.js';

/**
 * The `since` and `until` values of the logs endpoint. The docker CLI turns
 * "10m" or "2026-01-02" into Unix seconds with a fraction ("1700000000.123456789")
 * before sending; other clients send RFC3339 times or durations, which we
 * take too. A duration counts back from `now`. Empty or "0" means no bound
 * (the API's default of 0). A Date keeps milliseconds: finer digits are dropped.
 */
export function parseLogTime(value: string | undefined, name: 'since' | 'until', now = new Date()): Date | undefined {
  if (value === undefined || value === '' || value === '0') return undefined;
  const seconds = /^(-?\d+)(?:\.(\d{1,9}))?$/.exec(value);
  if (seconds !== null) {
    // As moby: the fraction adds to the seconds, also for negative ones.
    const ms = Number(seconds[1]) * 1000 + Number((seconds[2] ?? '').padEnd(3, '0').slice(0, 3));
    if (Number.isSafeInteger(ms) && Math.abs(ms) <= 8.64e15) return new Date(ms);
  }
  const date = parseRfc3339(value);
  if (date !== undefined) return date;
  const duration = parseDurationMs(value);
  if (duration !== undefined) return new Date(now.getTime() - duration);
  throw invalidArgument(`${name} "${value}"`, 'not a Unix time, an RFC3339 time or a duration');
}

/**
 * The `tail` value: "all" (or anything but a number, or a negative one, as
 * dockerd treats them) is every entry.
 */
export function parseTail(value: string | undefined): number | undefined {
  if (value === undefined || !/^-?\d+$/.test(value)) return undefined;
  const n = Number(value);
  return n < 0 || !Number.isSafeInteger(n) ? undefined : n;
}

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, µs: 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Go's duration syntax ("1h30m", "1.5s", "-10m"), in milliseconds. */
function parseDurationMs(text: string): number | undefined {
  const m = /^([+-]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))+$/.exec(text);
  if (m === null) return undefined;
  let total = 0;
  for (const part of text.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/g)) {
    total += Number(part[1]) * (UNIT_MS[part[2] ?? ''] ?? 0);
  }
  return m[1] === '-' ? -total : total;
}

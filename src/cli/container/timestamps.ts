/**
 * `--since` and `--until` of logs and events, as docker's GetTimestamp
 * reads them: a Go duration ("10m", before now), an RFC 3339 date or time
 * (local time when it names no zone), or a Unix timestamp passed on as is.
 * The daemon gets "seconds[.nanoseconds]".
 */
import { goDuration } from './host-options.js';

export function apiTimestamp(value: string, now = Date.now()): string {
  if (value !== '0' && /^[0-9.]+(ns|us|µs|ms|s|m|h)/.test(value)) {
    try {
      return String(Math.floor((now - goDuration(value) / 1e6) / 1000));
    } catch {
      // not a duration after all: a date or a timestamp
    }
  }
  if (value.includes('-')) {
    const m = /^(\d{4}-\d{2}-\d{2})(?:T(\d{2})(?::(\d{2}))?(?::(\d{2}))?(?:\.(\d{1,9}))?)?(Z|[+-]\d{2}:\d{2})?$/i.exec(value);
    const [, date, hh = '00', mm = '00', ss = '00', frac = '', zone = ''] = m ?? [];
    // Without a zone the time is local, as in docker (and as Date.parse reads a date-time without an offset).
    const ms = m ? Date.parse(`${date}T${hh}:${mm}:${ss}${zone.toUpperCase()}`) : NaN;
    if (Number.isNaN(ms)) throw new Error(`failed to parse value as time or duration: ${JSON.stringify(value)}`);
    return `${Math.floor(ms / 1000)}.${frac.padEnd(9, '0')}`;
  }
  if (!/^\d+(\.\d{1,9})?$/.test(value)) throw new Error(`failed to parse value as time or duration: ${JSON.stringify(value)}`);
  return value;
}

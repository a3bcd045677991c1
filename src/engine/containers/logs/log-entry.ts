/**
 * One entry of Docker's json-file log, as the shim writes it:
 *
 *   {"log":"hello\n","stream":"stdout","time":"2026-01-02T03:04:05.123456789Z"}
 *
 * `line` is the text of `log` as bytes, its "\n" included; a piece of a line
 * longer than 16 KiB has none. `time` has millisecond precision (a Date);
 * `timeText` keeps the nanoseconds as written.
 */
export interface LogEntry {
  stream: 'stdout' | 'stderr';
  line: Buffer;
  time: Date;
  timeText: string;
}

const RFC3339 = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

/** The entry on one line of the file (without its "\n"), or undefined when the line is not a valid entry. */
export function parseLogLine(bytes: Buffer): LogEntry | undefined {
  let value: unknown;
  try {
    value = JSON.parse(bytes.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { log, stream, time } = value as Record<string, unknown>;
  if (typeof log !== 'string' || typeof time !== 'string') return undefined;
  if (stream !== 'stdout' && stream !== 'stderr') return undefined;
  const date = parseRfc3339(time);
  if (date === undefined) return undefined;
  return { stream, line: Buffer.from(log, 'utf8'), time: date, timeText: time };
}

/** RFC3339 with up to nine fraction digits; Date keeps the first three. */
export function parseRfc3339(text: string): Date | undefined {
  const m = RFC3339.exec(text);
  if (m === null) return undefined;
  const ms = (m[2] ?? '').padEnd(3, '0').slice(0, 3);
  const date = new Date(`${m[1]}.${ms}${m[3]}`);
  return Number.isNaN(date.getTime()) ? undefined : date;
}

/**
 * Whether the entry is later than `limit`. A Date drops the nanoseconds the
 * file keeps, so an entry in the same millisecond as `limit` is later only
 * if its sub-millisecond digits are not all zero (docker compares in ns).
 */
export function isAfter(entry: LogEntry, limit: Date): boolean {
  const t = entry.time.getTime();
  const l = limit.getTime();
  if (t !== l) return t > l;
  const m = RFC3339.exec(entry.timeText);
  return /[1-9]/.test((m?.[2] ?? '').slice(3));
}

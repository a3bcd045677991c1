import type { LogEntry } from './log-entry.js';

/**
 * Docker's stdcopy frame, how a non-TTY log or attach stream multiplexes
 * stdout and stderr on one connection: the stream (1 stdout, 2 stderr),
 * three zero bytes, the payload length as a big-endian uint32, the payload.
 */
export function stdcopyFrame(stream: 1 | 2, payload: Buffer): Buffer {
  const frame = Buffer.alloc(8 + payload.length);
  frame[0] = stream;
  frame.writeUInt32BE(payload.length, 4);
  payload.copy(frame, 8);
  return frame;
}

/**
 * The prefix `docker logs --timestamps` puts before each line: the time in
 * RFC3339 with exactly nine fraction digits (Go's RFC3339NanoFixed, which
 * dockerd uses), then a space. The file drops trailing zeros
 * (".12Z"), so they are put back (".120000000Z").
 */
export function timestampPrefix(timeText: string): string {
  const m = /^([^.]*?)(?:\.(\d+))?(Z|[+-]\d{2}:\d{2})$/.exec(timeText);
  if (m === null) return `${timeText} `;
  return `${m[1]}.${(m[2] ?? '').padEnd(9, '0').slice(0, 9)}${m[3]} `;
}

/** One entry as the logs endpoint sends it: raw for a TTY container, else in a stdcopy frame. */
export function encodeLogEntry(entry: LogEntry, options: { timestamps: boolean; tty: boolean }): Buffer {
  const payload = options.timestamps ? Buffer.concat([Buffer.from(timestampPrefix(entry.timeText)), entry.line]) : entry.line;
  return options.tty ? payload : stdcopyFrame(entry.stream === 'stdout' ? 1 : 2, payload);
}

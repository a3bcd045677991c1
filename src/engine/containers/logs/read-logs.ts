import { followLog, readFrom, type LogCursor } from './follow-log.js';
import { openLogChain, type LogFile } from './log-chain.js';
import { isAfter, type LogEntry } from './log-entry.js';
import { tailOffset } from './tail-offset.js';

export interface ReadLogsOptions {
  stdout: boolean;
  stderr: boolean;
  /** The last `tail` entries (pieces of long lines count one each), counted before the other filters as docker does; undefined: all. */
  tail?: number | undefined;
  /** Entries at or after this time. */
  since?: Date | undefined;
  /** Entries up to this time; the first later entry ends the read (and, when following, so does reaching this time). */
  until?: Date | undefined;
  /** After the existing entries, deliver new ones as they are written. */
  follow?: boolean | undefined;
  /** Ends the read (quietly, without an error). */
  signal?: AbortSignal | undefined;
  /** When following: resolves when the container has exited; what is left is read, then the read ends. */
  untilExited?: Promise<void> | undefined;
  /** When following: how often to look for changes that no inotify event announced. */
  pollIntervalMs?: number | undefined;
}

const DEFAULT_POLL_MS = 250;

/**
 * The entries of a container's json-file log: rotated files oldest first,
 * then the current one; with `follow`, new entries until the container exits
 * or the signal aborts. Each entry is delivered once; a line the shim is
 * still writing is delivered once complete.
 */
export async function* readLogs(logPath: string, options: ReadLogsOptions): AsyncGenerator<LogEntry> {
  const { signal, since, until } = options;
  for await (const entry of entries(logPath, options)) {
    if (signal?.aborted === true) return;
    // docker stops at the first later entry rather than skipping it.
    if (until !== undefined && isAfter(entry, until)) return;
    if (since !== undefined && entry.time.getTime() < since.getTime()) continue;
    if (entry.stream === 'stdout' ? !options.stdout : !options.stderr) continue;
    yield entry;
  }
}

async function* entries(logPath: string, options: ReadLogsOptions): AsyncGenerator<LogEntry> {
  // Files not read yet; the cursor owns the one being read.
  const pending = await openLogChain(logPath);
  const cursor: LogCursor = { file: undefined, offset: 0 };
  let untilTimer: NodeJS.Timeout | undefined;
  try {
    const starts = await startOffsets(pending, options.tail);
    for (let file = pending.shift(); file !== undefined; file = pending.shift()) {
      const start = starts.shift();
      if (start === undefined) {
        await file.handle.close();
        continue;
      }
      const finished = cursor.file;
      cursor.file = file;
      cursor.offset = start;
      await finished?.handle.close();
      yield* readFrom(cursor);
    }
    if (options.follow !== true) return;
    const stops = [options.untilExited ?? new Promise<void>(() => undefined)];
    const untilMs = options.until === undefined ? undefined : options.until.getTime() - Date.now();
    // Past 2^31 - 1 ms node fires a timer at once; so far ahead, the first later entry ends the read instead.
    if (untilMs !== undefined && untilMs < 2 ** 31) {
      stops.push(new Promise((resolve) => (untilTimer = setTimeout(resolve, Math.max(0, untilMs)))));
    }
    yield* followLog(logPath, cursor, {
      stop: Promise.race(stops),
      signal: options.signal,
      pollMs: options.pollIntervalMs ?? DEFAULT_POLL_MS,
    });
  } finally {
    clearTimeout(untilTimer);
    const open = cursor.file === undefined ? pending : [...pending, cursor.file];
    await Promise.allSettled(open.map((f) => f.handle.close()));
  }
}

/**
 * Where to start in each file (oldest first) so that `tail` entries remain;
 * undefined: skip the file. Counting starts in the newest file, backwards.
 */
async function startOffsets(files: LogFile[], tail: number | undefined): Promise<(number | undefined)[]> {
  const starts: (number | undefined)[] = files.map(() => 0);
  if (tail === undefined || tail < 0) return starts;
  let need = tail;
  let i = files.length - 1;
  for (; i >= 0; i--) {
    const handle = files[i]?.handle;
    if (handle === undefined) break;
    const { offset, found } = await tailOffset(handle, (await handle.stat()).size, need);
    starts[i] = offset;
    if (found >= need) break;
    need -= found;
  }
  for (let j = 0; j < i; j++) starts[j] = undefined;
  return starts;
}

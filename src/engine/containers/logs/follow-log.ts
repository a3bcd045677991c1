import { setTimeout as sleep } from 'node:timers/promises';

import { ChangeWaiter } from './change-waiter.js';
import { readLines } from './line-reader.js';
import type { LogFile } from './log-chain.js';
import { parseLogLine, type LogEntry } from './log-entry.js';
import { nextLogFile } from './next-file.js';

/** Where a reader is: a file (by its open handle) and the offset after the last complete line read. */
export interface LogCursor {
  file: LogFile | undefined;
  offset: number;
}

/** Entries of the cursor's file from its offset to the current end; the cursor moves with them. */
export async function* readFrom(cursor: LogCursor): AsyncGenerator<LogEntry> {
  if (cursor.file === undefined) return;
  for await (const line of readLines(cursor.file.handle, cursor.offset)) {
    cursor.offset = line.end;
    // A corrupt line (a crash mid-write, a foreign writer) is skipped, not fatal.
    const entry = parseLogLine(line.bytes);
    if (entry !== undefined) yield entry;
  }
}

export interface FollowControl {
  /** Resolves when no more entries will be written (the container exited): read what is left, then end. */
  stop: Promise<void>;
  signal: AbortSignal | undefined;
  pollMs: number;
}

/**
 * A rotation takes the shim microseconds, so one seen under way is looked at
 * again soon, a few times; one that does not finish (the shim could not
 * create the new FILE and goes on writing to the renamed one) at the poll's
 * pace, and once stopping not at all.
 */
const RETRY_MS = 5;
const QUICK_RETRIES = 20;

/**
 * Entries appended after the cursor, across rotations, until `stop` and a
 * last read, or until the signal aborts. The cursor's file is replaced as
 * the reader moves on; the caller closes whatever it holds at the end.
 */
export async function* followLog(logPath: string, cursor: LogCursor, control: FollowControl): AsyncGenerator<LogEntry> {
  const { signal } = control;
  const waiter = new ChangeWaiter(logPath, control.pollMs);
  let stopping = false;
  // A failed wait for the exit ends the follow too, rather than leaving it open forever.
  const onStop = (): void => {
    stopping = true;
    waiter.wake();
  };
  void control.stop.then(onStop, onStop);
  const onAbort = (): void => waiter.wake();
  signal?.addEventListener('abort', onAbort);
  try {
    let retries = 0;
    for (;;) {
      if (signal?.aborted === true) return;
      // Read once more after `stop`: entries written before it may be unread.
      const final = stopping;
      if (cursor.file !== undefined) {
        // With max-file 1 the shim truncates in place: start again at the top.
        if ((await cursor.file.handle.stat()).size < cursor.offset) cursor.offset = 0;
        yield* readFrom(cursor);
      }
      const next = await nextLogFile(logPath, cursor.file);
      if (next.kind === 'next') {
        // Entries may have reached the old file between our last read and
        // its rename; after the rename the shim writes only to the new one.
        yield* readFrom(cursor);
        await cursor.file?.handle.close();
        cursor.file = next.file;
        cursor.offset = 0;
        retries = 0;
        continue;
      }
      if (next.kind === 'retry') {
        retries++;
        if (final && retries > QUICK_RETRIES) return;
        await (retries <= QUICK_RETRIES ? sleep(RETRY_MS) : waiter.wait());
        continue;
      }
      retries = 0;
      if (final) return;
      await waiter.wait();
    }
  } finally {
    signal?.removeEventListener('abort', onAbort);
    waiter.close();
  }
}

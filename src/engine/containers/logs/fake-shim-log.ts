import { appendFile, rename, truncate, writeFile } from 'node:fs/promises';

import { errnoCode } from '../../../errors.js';

/**
 * A stand-in for berth-shim's log writer (native/shim/logfile.c) in tests:
 * one append per entry, and rotation by the same renames in the same order.
 */
export class FakeShimLog {
  #count = 0;

  constructor(
    readonly path: string,
    readonly maxFiles = 5,
  ) {}

  /** Append one entry; its time is a fixed base plus one millisecond (and a few nanoseconds) per entry. */
  async write(text: string, stream: 'stdout' | 'stderr' = 'stdout'): Promise<string> {
    const time = FakeShimLog.timeOf(this.#count++);
    await appendFile(this.path, entryLine(text, stream, time));
    return time;
  }

  /** Bytes without a trailing newline: an entry the shim is still writing. */
  async writeRaw(bytes: string): Promise<void> {
    await appendFile(this.path, bytes);
  }

  async rotate(): Promise<void> {
    if (this.maxFiles <= 1) {
      await truncate(this.path, 0);
      return;
    }
    for (let i = this.maxFiles - 1; i >= 1; i--) {
      const from = i === 1 ? this.path : `${this.path}.${i - 1}`;
      try {
        await rename(from, `${this.path}.${i}`);
      } catch (e) {
        if (errnoCode(e) !== 'ENOENT') throw e;
      }
    }
    await writeFile(this.path, '');
  }

  /** The time text of the n-th entry written: 2026-01-02T03:04:05.xxxyyy789Z, trailing zeros dropped as Go does. */
  static timeOf(n: number): string {
    const base = Date.UTC(2026, 0, 2, 3, 4, 5);
    const iso = new Date(base + n).toISOString();
    const fraction = `${iso.slice(20, 23)}000${String(n % 1000).padStart(3, '0')}`.replace(/0+$/, '');
    return `${iso.slice(0, 19)}${fraction === '' ? '' : `.${fraction}`}Z`;
  }
}

export function entryLine(text: string, stream: 'stdout' | 'stderr', time: string): string {
  return `${JSON.stringify({ log: text, stream, time })}\n`;
}

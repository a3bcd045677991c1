import { watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';

/**
 * Wakes a log follower when the log may have changed: an inotify watch on the
 * log's directory (appends, and the renames and creations of a rotation),
 * with a poll as the fallback. inotify can be unavailable (watch limits,
 * ENOSPC) or silent (some network and overlay file systems), so the poll is
 * always on; the watch only makes new lines arrive sooner.
 */
export class ChangeWaiter {
  readonly #pollMs: number;
  #watcher: FSWatcher | undefined;
  // A change seen while nobody waited: the next wait returns at once.
  #pending = false;
  #wakeUp: (() => void) | undefined;

  constructor(logPath: string, pollMs: number) {
    this.#pollMs = pollMs;
    const name = basename(logPath);
    try {
      this.#watcher = watch(dirname(logPath), { persistent: false }, (_event, file) => {
        if (file === null || file.startsWith(name)) this.wake();
      });
      // The directory may go away (container removed); the poll carries on.
      this.#watcher.on('error', () => this.#closeWatcher());
    } catch {
      this.#watcher = undefined;
    }
  }

  /** Resolves on the next change, a wake(), or after the poll interval. */
  async wait(): Promise<void> {
    if (this.#pending) {
      this.#pending = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        this.#wakeUp = undefined;
        resolve();
      }, this.#pollMs);
      this.#wakeUp = () => {
        clearTimeout(timer);
        this.#wakeUp = undefined;
        resolve();
      };
    });
  }

  wake(): void {
    if (this.#wakeUp !== undefined) this.#wakeUp();
    else this.#pending = true;
  }

  /** Stop watching; a wait under way returns. */
  close(): void {
    this.#closeWatcher();
    this.wake();
  }

  #closeWatcher(): void {
    this.#watcher?.close();
    this.#watcher = undefined;
  }
}

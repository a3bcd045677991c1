import type { ContainerRecord } from './container.js';

export type WaitCondition = 'not-running' | 'next-exit' | 'removed';

export interface WaitResult {
  StatusCode: number;
  Error: { Message: string } | null;
}

/**
 * `POST /containers/{id}/wait`: callers parked until the container exits
 * (next-exit, not-running) or is removed. The docker CLI calls it before it
 * starts the container, so a wait must be registered at once and outlive a
 * start.
 */
export class ExitWaiters {
  private readonly exits = new Map<string, Set<(r: WaitResult) => void>>();
  private readonly removals = new Map<string, Set<(r: WaitResult) => void>>();

  wait(record: ContainerRecord, condition: WaitCondition, signal?: AbortSignal): Promise<WaitResult> {
    const status = record.state.status;
    const running = status === 'running' || status === 'paused' || status === 'restarting';
    if (condition === 'not-running' && !running) return Promise.resolve(resultOf(record));
    const table = condition === 'removed' ? this.removals : this.exits;
    return new Promise((resolve, reject) => {
      const set = table.get(record.id) ?? new Set();
      table.set(record.id, set);
      const done = (r: WaitResult) => {
        signal?.removeEventListener('abort', abort);
        resolve(r);
      };
      const abort = () => {
        set.delete(done);
        reject(new Error('wait cancelled'));
      };
      signal?.addEventListener('abort', abort, { once: true });
      set.add(done);
    });
  }

  exited(record: ContainerRecord): void {
    this.settle(this.exits, record);
  }

  removed(record: ContainerRecord): void {
    this.settle(this.exits, record);
    this.settle(this.removals, record);
  }

  private settle(table: Map<string, Set<(r: WaitResult) => void>>, record: ContainerRecord): void {
    const set = table.get(record.id);
    table.delete(record.id);
    for (const done of set ?? []) done(resultOf(record));
  }
}

function resultOf(record: ContainerRecord): WaitResult {
  return { StatusCode: record.state.exitCode, Error: record.state.error ? { Message: record.state.error } : null };
}

import type { ContainerRecord } from './container.js';

/**
 * Docker's restart policies: whether a container that just exited starts
 * again, and after how long. The delay starts at 100 ms and doubles at each
 * consecutive restart (a container that ran 10 s or more starts over), capped
 * at one minute, as dockerd does.
 */
export function shouldRestart(record: ContainerRecord, exitCode: number): boolean {
  const policy = record.hostConfig.RestartPolicy;
  if (record.state.manuallyStopped) return false;
  switch (policy?.Name ?? '') {
    case 'always':
    case 'unless-stopped':
      return true;
    case 'on-failure': {
      const max = policy?.MaximumRetryCount ?? 0;
      return exitCode !== 0 && (max === 0 || record.restartCount < max);
    }
    default:
      return false;
  }
}

/**
 * Started when the daemon comes up, as Docker does: `always` even after a
 * manual stop, `unless-stopped` only if the user did not stop it.
 */
export function restartsWithDaemon(record: ContainerRecord): boolean {
  const name = record.hostConfig.RestartPolicy?.Name ?? '';
  if (name === 'always') return true;
  if (name === 'unless-stopped') return !record.state.manuallyStopped;
  return false;
}

export class RestartBackoff {
  private readonly delays = new Map<string, number>();

  next(record: ContainerRecord): number {
    const ranFor = Date.parse(record.state.finishedAt) - Date.parse(record.state.startedAt);
    const previous = ranFor >= 10_000 ? 0 : (this.delays.get(record.id) ?? 0);
    const delay = previous === 0 ? 100 : Math.min(previous * 2, 60_000);
    this.delays.set(record.id, delay);
    return delay;
  }

  forget(id: string): void {
    this.delays.delete(id);
  }
}

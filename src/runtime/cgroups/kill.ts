import { errnoCode, unavailable } from '../../errors.js';
import type { KillFn } from './options.js';
import { pollUntil } from './poll.js';

/**
 * Signal every pid in a cgroup. For SIGKILL keep going until the cgroup is
 * empty: a process can fork between our reading cgroup.procs and the signal
 * arriving, and its child would escape a single pass. `afterFirstPass` lets a
 * v1 cgroup thaw itself: frozen v1 tasks only die once thawed.
 * ESRCH (the process exited on its own) is not an error.
 */
export async function signalCgroup(opts: {
  ctx: string;
  pids: () => Promise<number[]>;
  kill: KillFn;
  signal: NodeJS.Signals;
  timeoutMs: number;
  afterFirstPass?: () => Promise<void>;
}): Promise<void> {
  const { ctx, pids, kill, signal } = opts;
  const once = async (): Promise<number> => {
    const list = await pids();
    for (const pid of list) {
      try {
        kill(pid, signal);
      } catch (e) {
        if (errnoCode(e) !== 'ESRCH') throw e;
      }
    }
    return list.length;
  };
  await once();
  await opts.afterFirstPass?.();
  if (signal !== 'SIGKILL') return;
  const emptied = await pollUntil(async () => (await once()) === 0, opts.timeoutMs);
  if (!emptied) throw unavailable(ctx, `processes still present ${opts.timeoutMs} ms after SIGKILL`);
}

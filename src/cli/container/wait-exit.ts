/**
 * POST /containers/ID/wait. The daemon answers the headers once it is
 * waiting, so a caller that awaits `waitFor` before starting the container
 * cannot miss its exit; `status` then resolves with the exit code.
 */
import { setTimeout as delay } from 'node:timers/promises';

import type { ApiClient } from '../client/api-client.js';
import { readAll } from '../client/api-client.js';

export interface WaitResult {
  StatusCode: number;
  Error?: { Message?: string } | null;
}

export interface ExitWait {
  status: Promise<WaitResult>;
  /** Stops waiting (a detach, a failed start): an open request would keep this process alive. */
  cancel(): void;
}

export async function waitFor(api: ApiClient, id: string, condition: 'not-running' | 'next-exit' | 'removed'): Promise<ExitWait> {
  const res = await api.request('POST', `/containers/${id}/wait`, { query: { condition } });
  const status = readAll(res).then((b) => JSON.parse(b.toString('utf8')) as WaitResult);
  status.catch(() => {}); // read by the caller, or never if the run failed first
  return { status, cancel: () => res.destroy() };
}

/** The wait's result, or undefined after `ms`: for a removal that may never be reported. */
export function within(w: ExitWait, ms: number): Promise<WaitResult | undefined> {
  return Promise.race([w.status.catch(() => undefined), delay(ms, undefined, { ref: false })]);
}

/** docker's reading of a wait result: an error in it is exit 125. */
export function exitCodeOf(r: WaitResult, stderr: NodeJS.WritableStream): number {
  if (r.Error?.Message) {
    stderr.write(`Error waiting for container: ${r.Error.Message}\n`);
    return 125;
  }
  return r.StatusCode;
}

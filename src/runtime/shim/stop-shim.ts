import { waitGone } from '../process-info.js';
import type { ShimClient } from './shim-client.js';

/** How long a shim gets to end by itself. */
const GRACE_MS = 5000;

/**
 * Waits until the shim has exited. A shim ends by itself once its process
 * is reaped and the output is at EOF (a failed launch: at once); one that
 * lingers, because something still holds the output open, is killed after
 * GRACE_MS.
 */
export async function stopShim(client: ShimClient): Promise<void> {
  const shim = client.process();
  if (!shim) return;
  if (await waitGone(shim.pid, shim.startTime, GRACE_MS)) return;
  try {
    process.kill(shim.pid, 'SIGKILL');
  } catch {
    // gone meanwhile
  }
  await waitGone(shim.pid, shim.startTime, GRACE_MS);
}

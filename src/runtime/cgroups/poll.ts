import { setTimeout as sleep } from 'node:timers/promises';

export { sleep };

/**
 * Call `check` until it returns true or `timeoutMs` has passed; returns whether
 * it succeeded. The delay grows from 1 ms to 20 ms: freezing and killing usually
 * settle within a millisecond or two, and a slow cgroup should not be hammered.
 */
export async function pollUntil(check: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  let delay = 1;
  for (;;) {
    if (await check()) return true;
    if (Date.now() >= deadline) return false;
    await sleep(delay);
    delay = Math.min(delay * 2, 20);
  }
}

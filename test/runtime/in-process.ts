/**
 * Runs a bundle through the runtime library in this process (the daemon's
 * path), collecting the container's output through a file and keeping the
 * cgroup until the test has read its stats.
 */
import { closeSync, openSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import type { CgroupStats } from '../../src/runtime/cgroups/manager.js';
import type { ExitStatus } from '../../src/runtime/core-client.js';
import { LinuxRuntime } from '../../src/runtime/linux-runtime.js';
import type { Bundle } from '../fixtures/bundle.js';

export interface Outcome {
  status: ExitStatus;
  output: string;
  stats: CgroupStats;
}

export async function withRuntime<T>(fn: (runtime: LinuxRuntime) => Promise<T>): Promise<T> {
  const root = await mkdtemp(path.join(tmpdir(), 'berth-test-root-'));
  const runtime = new LinuxRuntime({ root });
  try {
    return await fn(runtime);
  } finally {
    for (const s of await runtime.list()) await (await runtime.load(s.id)).delete(true).catch(() => {});
    await rm(root, { recursive: true, force: true });
  }
}

/** create (foreground) + start + wait; stats are read before delete. */
export async function runToCompletion(runtime: LinuxRuntime, bundle: Bundle): Promise<Outcome> {
  const outFile = path.join(bundle.dir, 'output.log');
  const fd = openSync(outFile, 'w');
  try {
    const task = await runtime.create(bundle.id, bundle.dir, { foreground: true, stdio: ['ignore', fd, fd] });
    try {
      await task.start();
      const status = await task.wait();
      const stats = await task.stats();
      return { status, output: readFileSync(outFile, 'utf8'), stats };
    } finally {
      await task.delete(true);
    }
  } finally {
    closeSync(fd);
  }
}

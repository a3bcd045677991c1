/**
 * berthd as users run it, `bin/berth daemon`, in a child process with its
 * own root and socket under a temp directory:
 *
 *   const d = await startDaemon(dir, { DOCKER_CONFIG: … });
 *   ... DOCKER_HOST=d.host docker …
 *   assert.equal(await d.stop(), 0);
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { repoRoot } from '../fixtures/paths.js';
import { request } from './raw-http.js';

export interface DaemonProcess {
  socket: string;
  /** "unix:///…/berth.sock", for DOCKER_HOST */
  host: string;
  root: string;
  execRoot: string;
  child: ChildProcess;
  /** what the daemon logged so far */
  log(): string;
  /** SIGTERM, then its exit code (SIGKILL after 10 s, reported as 137) */
  stop(): Promise<number>;
}

export async function startDaemon(dir: string, env: NodeJS.ProcessEnv = {}): Promise<DaemonProcess> {
  const socket = path.join(dir, 'run', 'berth.sock');
  const root = path.join(dir, 'root');
  const execRoot = path.join(dir, 'run');
  // A cgroup parent of the test's own, so the leak check sees anything left in it.
  const cgroupParent = `berth-test-${path.basename(dir)}`;
  // A bridge and nftables table of its own too, named from the directory's random suffix.
  const suffix = path.basename(dir).replace(/[^a-zA-Z0-9]/g, '').slice(-6).toLowerCase();
  const args = ['daemon', '--root', root, '--exec-root', execRoot, '--host', `unix://${socket}`, '--cgroup-parent', cgroupParent];
  args.push('--bridge', `bt${suffix}`, '--nft-table', `berth_test_${suffix}`);
  const child = spawn(path.join(repoRoot(), 'bin', 'berth'), args, {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const exited = new Promise<number>((resolve) => child.once('exit', (code, signal) => resolve(code ?? (signal === 'SIGKILL' ? 137 : 128))));
  const stop = async (): Promise<number> => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    const code = await exited;
    clearTimeout(timer);
    return code;
  };
  const deadline = Date.now() + 15_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`berth daemon exited (${child.exitCode}): ${output}`);
    const ok = await request(socket, { path: '/_ping' }).then(
      (r) => r.status === 200,
      () => false,
    );
    if (ok) break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`berth daemon did not answer on ${socket}: ${output}`);
    }
    await sleep(50);
  }
  return { socket, host: `unix://${socket}`, root, execRoot, child, log: () => output, stop };
}

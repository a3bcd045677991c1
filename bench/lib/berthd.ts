/**
 * A private berthd for a benchmark: `bin/berth daemon` with its own root,
 * exec root, socket and cgroup parent under one directory, as users run it,
 * and (a daemon with networking) its own default bridge and nftables table,
 * so that it never shares the host's default ones with another berthd.
 *
 *   const b = await Berthd.start(dir, { cgroupParent: 'berth-bench-123', bridge: 'bb123', nftTable: 'berth_bench_123' });
 *   try { … DOCKER_HOST=b.host docker … } finally { await b.stop(); }
 *
 * Containers' shims outlive berthd by design: remove the containers before
 * stop(). The caller removes the cgroup parent and the directory.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import http from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { repoRoot } from '../../test/fixtures/paths.js';

const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 15_000;

export const BERTH_CLI = join(repoRoot(), 'bin', 'berth');

function ping(socket: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.request({ socketPath: socket, path: '/_ping', agent: false }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.setTimeout(2000, () => req.destroy());
    req.end();
  });
}

export interface BerthdNames {
  cgroupParent: string;
  /** the default bridge's device (at most 15 characters) */
  bridge: string;
  nftTable: string;
}

/** The daemon's flags among --bridge and --nft-table (a berthd without networking has neither). */
function networkFlags(names: BerthdNames): string[] {
  const help = execFileSync(BERTH_CLI, ['daemon', '--help'], { encoding: 'utf8' });
  return [...(help.includes('--bridge') ? ['--bridge', names.bridge] : []), ...(help.includes('--nft-table') ? ['--nft-table', names.nftTable] : [])];
}

export class Berthd {
  private constructor(
    readonly dir: string,
    readonly socket: string,
    readonly execRoot: string,
    private readonly child: ChildProcess,
    readonly log: string,
  ) {}

  /** "unix:///…/berth.sock" */
  get host(): string {
    return `unix://${this.socket}`;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  static async start(dir: string, names: BerthdNames): Promise<Berthd> {
    const execRoot = join(dir, 'run');
    const socket = join(execRoot, 'berth.sock');
    await mkdir(execRoot, { recursive: true });
    const log = join(dir, 'berthd.log');
    const args = [
      'daemon',
      '--root', join(dir, 'root'),
      '--exec-root', execRoot,
      '--host', `unix://${socket}`,
      '--cgroup-parent', names.cgroupParent,
      ...networkFlags(names),
    ];
    const fd = openSync(log, 'a');
    let child: ChildProcess;
    try {
      // Its own process group: a Ctrl-C meant for the benchmark reaches the benchmark, which stops berthd in order.
      child = spawn(BERTH_CLI, args, { stdio: ['ignore', fd, fd], detached: true });
    } finally {
      closeSync(fd);
    }
    const b = new Berthd(dir, socket, execRoot, child, log);
    const deadline = Date.now() + START_TIMEOUT_MS;
    while (!(await ping(socket))) {
      if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) {
        await b.stop();
        throw new Error(`berthd did not answer on ${socket}:\n${b.logTail()}`);
      }
      await sleep(50);
    }
    return b;
  }

  logTail(lines = 20): string {
    try {
      return readFileSync(this.log, 'utf8').split('\n').slice(-lines).join('\n');
    } catch {
      return '(no log)';
    }
  }

  /** SIGTERM, SIGKILL after 15 s; resolves once it has exited. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
    await exited;
    clearTimeout(timer);
  }
}

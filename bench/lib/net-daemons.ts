/**
 * The two daemons of the network benchmark, with networking on: berthd with
 * a default bridge and an nftables table of its own (--bridge, --nft-table),
 * and Debian's dockerd with its default networking (a default bridge,
 * iptables chains, docker-proxy for published ports on loopback,
 * ip_forward), its bridge named by us rather than docker0 (see start()). berthd.ts and dockerd.ts start them with
 * networking off; these are the same daemons, started the same way (own
 * directories, own socket, own process group), with it on.
 *
 * What dockerd leaves on the host when stopped (DOCKER* chains, the FORWARD
 * policy, ip_forward, /etc/docker/key.json, /run/docker) is for
 * host-state.ts's undoEngineLeftovers, its bridge for net-host.ts; berthd removes its bridge and table
 * itself when it stops with nothing running, and net-host.ts checks that.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import http from 'node:http';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { BERTH_CLI } from './berthd.js';
import { DOCKER_CLI, DOCKERD, unmountUnder } from './dockerd.js';
import { run } from './timed-command.js';

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

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

function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** Spawns a daemon in its own process group, output appended to `log`. */
function spawnDaemon(file: string, args: string[], log: string): ChildProcess {
  const fd = openSync(log, 'a');
  try {
    return spawn(file, args, { stdio: ['ignore', fd, fd], detached: true });
  } finally {
    closeSync(fd);
  }
}

/** SIGTERM, SIGKILL after `graceMs`; resolves once it has exited. */
async function stopChild(child: ChildProcess, graceMs: number): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
  await exited;
  clearTimeout(timer);
}

export class BridgedBerthd {
  private constructor(
    readonly dir: string,
    readonly socket: string,
    readonly bridge: string,
    readonly table: string,
    private readonly child: ChildProcess,
    readonly log: string,
  ) {}

  get host(): string {
    return `unix://${this.socket}`;
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  static async start(dir: string, opts: { cgroupParent: string; bridge: string; table: string }): Promise<BridgedBerthd> {
    const execRoot = join(dir, 'run');
    const socket = join(execRoot, 'berth.sock');
    await mkdir(execRoot, { recursive: true });
    const log = join(dir, 'berthd.log');
    const args = ['daemon', '--root', join(dir, 'root'), '--exec-root', execRoot, '--host', `unix://${socket}`];
    args.push('--cgroup-parent', opts.cgroupParent, '--bridge', opts.bridge, '--nft-table', opts.table);
    const b = new BridgedBerthd(dir, socket, opts.bridge, opts.table, spawnDaemon(BERTH_CLI, args, log), log);
    const deadline = Date.now() + 30_000;
    while (!(await ping(socket))) {
      if (b.child.exitCode !== null || b.child.signalCode !== null || Date.now() > deadline) {
        await b.stop();
        throw new Error(`berthd did not answer on ${socket}:\n${b.logTail()}`);
      }
      await sleep(50);
    }
    return b;
  }

  logTail(lines = 20): string {
    return tail(this.log, lines);
  }

  stop(): Promise<void> {
    return stopChild(this.child, 15_000);
  }
}

export class BridgedDockerd {
  readonly cliEnv: NodeJS.ProcessEnv;

  private constructor(
    readonly dir: string,
    readonly socket: string,
    private readonly child: ChildProcess,
    readonly log: string,
  ) {
    this.cliEnv = { ...process.env, DOCKER_CONFIG: join(dir, 'cli-config'), DOCKER_HOST: `unix://${socket}` };
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get hostArgs(): string[] {
    return ['-H', `unix://${this.socket}`];
  }

  /**
   * `bridge`: the default bridge, created here with the address `bip`
   * (e.g. 10.213.7.1/24) and handed to dockerd with --bridge, which then
   * uses it as it would docker0 (its subnet, iptables rules, docker-proxy),
   * but under a name of ours: another benchmark on this host removes a
   * docker0 it did not see before, and must not take ours away mid-run.
   * The caller deletes the bridge. `cgroupParent`: the cgroup its
   * containers go under, so that they do not share "docker" with another
   * dockerd.
   */
  static async start(dir: string, opts: { bridge: string; bip: string; cgroupParent: string }): Promise<BridgedDockerd> {
    if (!existsSync(DOCKERD)) throw new Error(`${DOCKERD} not found: install the Debian package docker.io`);
    await mkdir(join(dir, 'cli-config'), { recursive: true });
    const config = join(dir, 'daemon.json');
    await writeFile(config, '{}\n');
    const socket = join(dir, 'docker.sock');
    const log = join(dir, 'dockerd.log');
    await run('ip', ['link', 'add', opts.bridge, 'type', 'bridge']);
    await run('ip', ['addr', 'add', opts.bip, 'dev', opts.bridge]);
    await run('ip', ['link', 'set', opts.bridge, 'up']);
    const args = [
      '--data-root', join(dir, 'data'),
      '--exec-root', join(dir, 'exec'),
      '--pidfile', join(dir, 'dockerd.pid'),
      '--config-file', config,
      '--host', `unix://${socket}`,
      '--bridge', opts.bridge,
      '--cgroup-parent', opts.cgroupParent,
      '--log-level=warn',
    ];
    const d = new BridgedDockerd(dir, socket, spawnDaemon(DOCKERD, args, log), log);
    const deadline = Date.now() + 60_000;
    for (;;) {
      if (d.child.exitCode !== null || d.child.signalCode !== null) {
        await d.stop();
        throw new Error(`dockerd exited (${d.child.exitCode ?? d.child.signalCode}):\n${d.logTail()}`);
      }
      if (existsSync(socket) && (await ping(socket))) break;
      if (Date.now() > deadline) {
        await d.stop();
        throw new Error(`dockerd did not answer on ${socket}:\n${d.logTail()}`);
      }
      await sleep(100);
    }
    return d;
  }

  logTail(): string {
    return tail(this.log);
  }

  docker(args: readonly string[]): Promise<string> {
    return run(DOCKER_CLI, [...this.hostArgs, ...args], { env: this.cliEnv });
  }

  async version(): Promise<string> {
    return (await this.docker(['version', '--format', '{{.Server.Version}}'])).trim();
  }

  /** dockerd, then its containerd if that outlived it, then whatever is still mounted under the directory. */
  async stop(): Promise<void> {
    const containerd = childrenNamed(this.pid, 'containerd');
    await stopChild(this.child, 30_000);
    for (const pid of containerd) {
      if (!alive(pid)) continue;
      process.kill(pid, 'SIGTERM');
      for (let i = 0; i < 100 && alive(pid); i++) await sleep(100);
      if (alive(pid)) process.kill(pid, 'SIGKILL');
    }
    await unmountUnder(this.dir);
  }
}

function childrenNamed(pid: number, comm: string): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid && stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')) === comm) out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

export { DOCKER_CLI };

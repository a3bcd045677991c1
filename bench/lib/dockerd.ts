/**
 * A private Docker daemon for a benchmark: Debian's dockerd with its own
 * data root, exec root, pid file, config file and unix socket, all under one
 * directory, and its own containerd (dockerd starts it). Network flags keep
 * it off the host's network: no docker0 bridge (--bridge=none), no iptables
 * chains or FORWARD policy (--iptables=false, --ip-masq=false), ip_forward
 * left alone (--ip-forward=false). What it still writes elsewhere
 * (/etc/docker/key.json, /run/docker/plugins) is for host-state.ts to undo.
 *
 *   const d = await Dockerd.start(dir, { insecureRegistries: ['127.0.0.1:5000'] });
 *   try { await d.docker(['pull', …]); } finally { await d.stop(); }
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, openSync, readdirSync, readFileSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { run } from './timed-command.js';

export const DOCKERD = '/usr/sbin/dockerd';
/** The docker CLI: /usr/local/bin's (28.x) when there is one, else Debian's. */
export const DOCKER_CLI = existsSync('/usr/local/bin/docker') ? '/usr/local/bin/docker' : '/usr/bin/docker';

const START_TIMEOUT_MS = 60_000;
const STOP_TIMEOUT_MS = 30_000;

export class Dockerd {
  /** environment for the docker CLI: its own config directory, so nothing lands in ~/.docker */
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

  /** `-H unix://SOCKET`: the CLI arguments that point at this daemon. */
  get hostArgs(): string[] {
    return ['-H', `unix://${this.socket}`];
  }

  static async start(dir: string, options: { insecureRegistries?: string[] } = {}): Promise<Dockerd> {
    if (!existsSync(DOCKERD)) throw new Error(`${DOCKERD} not found: install the Debian package docker.io`);
    await mkdir(join(dir, 'cli-config'), { recursive: true });
    const config = join(dir, 'daemon.json');
    // Our own (empty) config file: whatever /etc/docker/daemon.json says does not apply.
    await writeFile(config, '{}\n');
    const socket = join(dir, 'docker.sock');
    const log = join(dir, 'dockerd.log');
    const args = [
      '--data-root', join(dir, 'data'),
      '--exec-root', join(dir, 'exec'),
      '--pidfile', join(dir, 'dockerd.pid'),
      '--config-file', config,
      '--host', `unix://${socket}`,
      '--bridge=none',
      '--iptables=false',
      '--ip-forward=false',
      '--ip-masq=false',
      '--log-level=warn',
      // Loopback registries are insecure (plain HTTP) by default anyway; said here so it does not depend on that.
      ...(options.insecureRegistries ?? []).flatMap((r) => ['--insecure-registry', r]),
    ];
    const fd = openSync(log, 'a');
    let child: ChildProcess;
    try {
      // Its own process group: a Ctrl-C meant for the benchmark reaches the benchmark, which stops dockerd in order.
      child = spawn(DOCKERD, args, { stdio: ['ignore', fd, fd], detached: true });
    } finally {
      closeSync(fd);
    }
    const d = new Dockerd(dir, socket, child, log);
    try {
      await d.waitReady();
    } catch (e) {
      await d.stop();
      throw e;
    }
    return d;
  }

  private async waitReady(): Promise<void> {
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      if (this.child.exitCode !== null || this.child.signalCode !== null) {
        throw new Error(`dockerd exited (${this.child.exitCode ?? this.child.signalCode}):\n${this.logTail()}`);
      }
      if (existsSync(this.socket)) {
        const ok = await this.docker(['version', '--format', '{{.Server.Version}}']).then(
          () => true,
          () => false,
        );
        if (ok) return;
      }
      if (Date.now() > deadline) throw new Error(`dockerd did not answer on ${this.socket} within ${START_TIMEOUT_MS} ms:\n${this.logTail()}`);
      await sleep(100);
    }
  }

  logTail(): string {
    try {
      return readFileSync(this.log, 'utf8').split('\n').slice(-20).join('\n');
    } catch {
      return '(no log)';
    }
  }

  docker(args: readonly string[]): Promise<string> {
    return run(DOCKER_CLI, [...this.hostArgs, ...args], { env: this.cliEnv });
  }

  /** The daemon's version, e.g. "20.10.24+dfsg1". */
  async version(): Promise<string> {
    return (await this.docker(['version', '--format', '{{.Server.Version}}'])).trim();
  }

  /** The containerd dockerd started: its children named containerd. */
  containerdPids(): number[] {
    return childrenOf(this.pid).filter((p) => comm(p) === 'containerd');
  }

  /**
   * Stops dockerd by its pid (SIGTERM, SIGKILL after 30 s), then its
   * containerd if it outlived it, then unmounts whatever is still mounted
   * under the directory. The caller removes the directory.
   */
  async stop(): Promise<void> {
    const containerd = this.containerdPids();
    if (this.child.exitCode === null && this.child.signalCode === null) {
      const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
      this.child.kill('SIGTERM');
      const timer = setTimeout(() => this.child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }
    for (const pid of containerd) await stopPid(pid);
    await unmountUnder(this.dir);
  }
}

function childrenOf(pid: number): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === pid) out.push(Number(name));
    } catch {
      // gone meanwhile
    }
  }
  return out;
}

function comm(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return '';
  }
}

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

/** SIGTERM, then SIGKILL after 10 s; returns once the process is gone. */
async function stopPid(pid: number): Promise<void> {
  if (!alive(pid)) return;
  process.kill(pid, 'SIGTERM');
  for (let i = 0; i < 100 && alive(pid); i++) await sleep(100);
  if (alive(pid)) process.kill(pid, 'SIGKILL');
  for (let i = 0; i < 50 && alive(pid); i++) await sleep(100);
}

/** Unmounts every mount point at or below `dir`, deepest first. */
export async function unmountUnder(dir: string): Promise<void> {
  const points = (await readFile('/proc/self/mountinfo', 'utf8'))
    .split('\n')
    .map((l) => l.split(' ')[4] ?? '')
    .filter((m) => m === dir || m.startsWith(`${dir}/`))
    .sort((a, b) => b.length - a.length);
  for (const m of points) await run('umount', [m]).catch(() => run('umount', ['-l', m]));
}

/** Peak resident memory (VmHWM) of a live process, KiB. */
export function peakRssKiB(pid: number): number {
  const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m?.[1] !== undefined ? Number(m[1]) : NaN;
}

/** CPU time (user + system, of the process and its waited-for children) of a live process, ms. */
export function cpuMs(pid: number): number {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after "(comm) ": state is field 3, utime 14, stime 15, cutime 16, cstime 17.
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const ticks = [11, 12, 13, 14].reduce((a, i) => a + Number(f[i]), 0);
  return (ticks * 1000) / CLOCK_TICKS;
}

/** USER_HZ: the unit of /proc/PID/stat times (100 on Linux for decades; sysconf(_SC_CLK_TCK)). */
const CLOCK_TICKS = 100;

/** Resets a process's VmHWM to its current RSS (clear_refs "5", Linux ≥ 4.0). */
export async function resetPeakRss(pid: number): Promise<void> {
  await writeFile(`/proc/${pid}/clear_refs`, '5');
}

import { constants as osConstants } from 'node:os';
import { closeSync, existsSync, openSync, readSync, constants as fsConstants, unlinkSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { conflict, errnoCode, failedPrecondition, invalidArgument } from '../errors.js';
import type { Process, Spec, State } from '../oci/spec.js';
import type { Cgroup, CgroupStats } from './cgroups/manager.js';
import { launch, type CoreLaunch, type CoreOptions, type ExitStatus } from './core-client.js';
import { runHooks } from './hooks.js';
import { hostFacts } from './host.js';
import type { LinuxRuntime } from './linux-runtime.js';
import { writePidFile } from './pid-file.js';
import { buildExecPlan } from './plan/exec-plan.js';
import { bootId, isAlive, waitGone } from './process-info.js';
import { compileSeccomp, type CompiledSeccomp } from './seccomp/index.js';
import { SHIM_CONSOLE_SOCKET, shimOptionsFor, type ShimOptions } from './shim/options.js';
import type { ContainerRecord } from './state-store.js';

export interface ExecOptions {
  consoleSocket?: string | undefined;
  pidFile?: string | undefined;
  /** return once the process runs instead of waiting for it */
  detach?: boolean;
  stdio?: CoreOptions['stdio'];
  preserveFds?: number;
  /** run the process under berth-shim (it then runs detached; stdio and console are the shim's) */
  shim?: ShimOptions;
}

/**
 * One container, as the runtime sees it: its state comes from the saved
 * record checked against the live process (a stale pid is never trusted:
 * boot id and process start time must match).
 */
export class Task {
  private compiledSeccomp: CompiledSeccomp | undefined;

  constructor(
    private readonly runtime: LinuxRuntime,
    readonly record: ContainerRecord,
    readonly spec: Spec,
    /** set when this process launched the container in the foreground, or under a shim (asked for lazily) */
    private readonly exited: Promise<ExitStatus> | (() => Promise<ExitStatus>) | undefined,
  ) {}

  get id(): string {
    return this.record.id;
  }

  get pid(): number {
    return this.record.pid;
  }

  private get context(): string {
    return `container "${this.id}"`;
  }

  private get fifo(): string {
    return path.join(this.runtime.store.dir(this.id), 'exec.fifo');
  }

  cgroup(): Cgroup {
    return this.runtime.cgroups().open(this.record.cgroupPath);
  }

  isAlive(): boolean {
    return this.record.bootId === bootId() && isAlive(this.record.pid, this.record.pidStartTime);
  }

  async state(): Promise<State> {
    let status: State['status'];
    if (!this.isAlive()) status = 'stopped';
    else if (existsSync(this.fifo)) status = 'created';
    else if (this.record.paused) status = 'paused';
    else status = 'running';
    const state: State = {
      ociVersion: this.record.ociVersion,
      id: this.id,
      status,
      bundle: this.record.bundle,
      annotations: this.record.annotations,
    };
    if (status !== 'stopped') state.pid = this.record.pid;
    return state;
  }

  /** Releases the start gate: the container's process goes on to exec the user's program. */
  async start(): Promise<void> {
    const { status } = await this.state();
    if (status !== 'created') throw conflict(this.context, `cannot start a container that is ${status}`);
    // Opening the read end non-blocking never hangs, even if the container
    // died a moment ago; the blocked writer then completes and sends a byte.
    const fd = openSync(this.fifo, fsConstants.O_RDONLY | fsConstants.O_NONBLOCK);
    try {
      const buf = Buffer.alloc(1);
      for (let delay = 0; ; delay = Math.min(delay + 1, 10)) {
        try {
          if (readSync(fd, buf, 0, 1, null) === 1) break;
        } catch (e) {
          if (errnoCode(e) !== 'EAGAIN') throw e;
        }
        if (!this.isAlive()) throw failedPrecondition(this.context, 'the container process exited before it was started');
        await sleep(delay);
      }
    } finally {
      closeSync(fd);
      unlinkSync(this.fifo);
    }
    await runHooks('poststart', this.spec.hooks?.poststart, await this.state());
  }

  /** Only for a container created in the foreground or under a shim by this process. */
  async wait(): Promise<ExitStatus> {
    if (!this.exited) throw failedPrecondition(this.context, 'was not started in the foreground by this process');
    return typeof this.exited === 'function' ? this.exited() : this.exited;
  }

  async kill(signal: string | number = 'SIGTERM', all = false): Promise<void> {
    const sig = parseSignal(signal);
    const { status } = await this.state();
    if (status === 'stopped') throw conflict(this.context, 'container is not running');
    if (all) {
      await this.cgroup().killAll(signalName(sig));
      return;
    }
    process.kill(this.record.pid, sig);
  }

  async delete(force = false): Promise<void> {
    const { status } = await this.state();
    if ((status === 'running' || status === 'paused') && !force) {
      throw conflict(this.context, `cannot delete a ${status} container, stop it first or use --force`);
    }
    if (status !== 'stopped') {
      const cgroup = this.cgroup();
      if (status === 'paused') await cgroup.thaw().catch(() => {});
      try {
        process.kill(this.record.pid, 'SIGKILL');
      } catch {
        // raced with its exit
      }
      await cgroup.killAll('SIGKILL').catch(() => {});
      if (!(await waitGone(this.record.pid, this.record.pidStartTime, 10_000))) {
        throw failedPrecondition(this.context, `process ${this.record.pid} did not exit after SIGKILL`);
      }
    }
    await this.cgroup().killAll('SIGKILL').catch(() => {});
    await this.cgroup().destroy();
    const state = { ...(await this.state()), status: 'stopped' as const };
    await this.runtime.store.remove(this.id);
    // Poststop failures must not resurrect a deleted container; they are reported, not fatal.
    await runHooks('poststop', this.spec.hooks?.poststop, state).catch((e: Error) => {
      process.emitWarning(`${this.context}: ${e.message}`);
    });
  }

  async exec(proc: Process, options: ExecOptions = {}): Promise<CoreLaunch> {
    const { status } = await this.state();
    if (status !== 'running' && status !== 'created') throw conflict(this.context, `cannot exec in a ${status} container`);
    // The profile is the container's: compiled once per task, not at every exec.
    this.compiledSeccomp ??= this.spec.linux?.seccomp ? compileSeccomp(this.spec.linux.seccomp) : undefined;
    const seccomp = this.compiledSeccomp;
    const shim = options.shim && shimOptionsFor(options.shim, proc.terminal === true);
    const foreground = !shim && options.detach !== true;
    const plan = buildExecPlan({
      pid: this.record.pid,
      process: proc,
      cgroupProcsDirs: this.cgroup().procsDirs,
      host: hostFacts(),
      seccomp,
      consoleSocket: shim?.terminal ? SHIM_CONSOLE_SOCKET : options.consoleSocket,
      foreground,
      preserveFds: options.preserveFds ?? 0,
    });
    const launched = await launch(plan, {
      stdio: options.stdio ?? ['inherit', 'inherit', 'inherit'],
      preserved: Array.from({ length: options.preserveFds ?? 0 }, (_, i) => 3 + i),
      foreground,
      shim,
    });
    if (options.pidFile) await writePidFile(options.pidFile, launched.pid);
    return launched;
  }

  async pause(): Promise<void> {
    const { status } = await this.state();
    if (status !== 'running') throw conflict(this.context, `cannot pause a ${status} container`);
    await this.cgroup().freeze();
    this.record.paused = true;
    await this.runtime.store.save(this.record);
  }

  async resume(): Promise<void> {
    const { status } = await this.state();
    if (status !== 'paused') throw conflict(this.context, `cannot resume a ${status} container`);
    await this.cgroup().thaw();
    this.record.paused = false;
    await this.runtime.store.save(this.record);
  }

  stats(): Promise<CgroupStats> {
    return this.cgroup().stats();
  }

  pids(): Promise<number[]> {
    return this.cgroup().pids();
  }
}

export function parseSignal(signal: string | number): number {
  if (typeof signal === 'number' || /^\d+$/.test(signal)) {
    const n = Number(signal);
    if (n > 0 && n < 65) return n;
  } else {
    const name = signal.toUpperCase().startsWith('SIG') ? signal.toUpperCase() : `SIG${signal.toUpperCase()}`;
    const n = (osConstants.signals as Record<string, number>)[name];
    if (n !== undefined) return n;
  }
  throw invalidArgument('signal', `unknown signal ${JSON.stringify(String(signal))}`);
}

function signalName(n: number): NodeJS.Signals {
  const entry = Object.entries(osConstants.signals).find(([, v]) => v === n);
  return (entry?.[0] ?? 'SIGKILL') as NodeJS.Signals;
}

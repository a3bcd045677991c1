/**
 * Start, stop, kill, pause and the exit of a container. A start builds the
 * bundle, launches the container under its shim, connects whoever attached
 * before the start, then opens the start gate; the exit is learnt from the
 * shim (its control socket closes, its exit file says how) and cleaned up
 * here, whether the daemon saw it happen or found it after a restart.
 */
import { rm } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';

import { isBerthError } from '../../errors.js';
import { CoreStepError } from '../../runtime/core-error.js';
import { bootId, isAlive } from '../../runtime/process-info.js';
import { ShimClient, type ShimExit } from '../../runtime/shim/index.js';
import { parseSignal, type Task } from '../../runtime/task.js';
import type { Attachments } from './attachments.js';
import { writeBundle } from './build-bundle.js';
import { networkChoice } from './network-choice.js';
import { assertCan, isActive, ZERO_TIME, type ContainerRecord } from './container.js';
import type { ContainerService } from './container-service.js';
import { shouldRestart } from './restart-policy.js';

export { isActive } from './container.js';

export class Lifecycle {
  constructor(
    private readonly svc: ContainerService,
    private readonly attachments: Attachments,
  ) {}

  shim(record: ContainerRecord): ShimClient {
    return new ShimClient(this.svc.paths.shim(record.id));
  }

  start(record: ContainerRecord): Promise<void> {
    return this.svc.lock.run(record.id, async () => {
      if (record.state.status === 'running') return; // docker: 304, nothing to do
      assertCan(record, 'start');
      record.state.manuallyStopped = false;
      await this.launch(record);
    });
  }

  private async launch(record: ContainerRecord): Promise<void> {
    const { svc } = this;
    let task: Task | undefined;
    try {
      await rm(svc.paths.runDir(record.id), { recursive: true, force: true });
      const { bundle, spec } = await writeBundle(svc.bundleContext(), record, await networkChoice(svc, record));
      record.path = spec.process?.args?.[0] ?? '';
      record.args = spec.process?.args?.slice(1) ?? [];
      task = await svc.runtime.create(record.id, bundle, {
        shim: {
          stateDir: svc.paths.shim(record.id),
          logPath: svc.paths.log(record.id),
          logMaxSize: svc.options.logMaxSize,
          logMaxFiles: svc.options.logMaxFiles,
          terminal: record.config.Tty === true,
          stdin: record.config.OpenStdin === true,
        },
      });
      await this.attachments.connectPending(record, svc.paths.shim(record.id));
      await task.start();
    } catch (e) {
      this.attachments.failPending(record, e);
      await svc.releaseResources(record).catch((err: unknown) => svc.options.log(`container ${record.id}: cleanup after a failed start: ${String(err)}`));
      record.state.error = e instanceof Error ? e.message : String(e);
      record.state.exitCode = startFailureCode(e);
      if (record.state.status !== 'created') record.state.status = 'exited';
      await svc.save(record);
      // As dockerd: a --rm container that cannot start is removed, and whoever waits for its removal learns it.
      if (record.hostConfig.AutoRemove) {
        setImmediate(() => void svc.remove(record, { volumes: true, kill: async () => {} }).catch(() => {}));
      }
      throw e;
    }
    Object.assign(record.state, {
      status: 'running',
      pid: task.pid,
      pidStartTime: task.record.pidStartTime,
      bootId: bootId(),
      exitCode: 0,
      error: '',
      oomKilled: false,
      startedAt: new Date().toISOString(),
      finishedAt: ZERO_TIME,
    });
    await svc.save(record);
    svc.emit(record, 'start');
    this.watch(record);
  }

  /**
   * Waits (without holding anything but a socket) for the shim to report the
   * exit. Losing the shim's control socket is not losing the container: a
   * shim that is gone left its exit file; one still running is asked again.
   */
  watch(record: ContainerRecord): void {
    const pid = record.state.pid;
    const shim = this.shim(record);
    const exited = (exit: ShimExit | undefined) => this.svc.lock.run(record.id, () => this.exited(record, pid, exit));
    shim
      .waitExit()
      .then(exited, async (e: unknown) => {
        if (!shim.isRunning()) return exited(await shim.readExit());
        this.svc.options.log(`container ${record.id}: watching its shim again after: ${String(e)}`);
        await sleep(100);
        if (record.state.pid === pid && isActive(record)) this.watch(record);
      })
      .catch((e: unknown) => this.svc.options.log(`container ${record.id}: after its exit: ${String(e)}`));
  }

  /** The container's init exited (pid says which run, so a late report of an earlier run is ignored). */
  async exited(record: ContainerRecord, pid: number, exit: ShimExit | undefined): Promise<void> {
    const { svc } = this;
    if (!isActive(record) || record.state.pid !== pid || !svc.store.lookup(record.id)) return;
    let oomKilled = false;
    try {
      const task = await svc.runtime.load(record.id);
      oomKilled = (await task.stats()).memory.oomKills > 0;
    } catch {
      // no runtime state left (a reboot): nothing to ask
    }
    await svc.releaseResources(record);
    Object.assign(record.state, {
      status: 'exited',
      pid: 0,
      pidStartTime: 0,
      // Without an exit file the container vanished with the machine: Docker reports 255 then.
      exitCode: exit?.exitCode ?? 255,
      finishedAt: exit?.finishedAt ?? new Date().toISOString(),
      oomKilled,
    });
    await svc.save(record);
    svc.emit(record, 'die', { exitCode: String(record.state.exitCode) });
    svc.waiters.exited(record);
    if (shouldRestart(record, record.state.exitCode)) {
      this.scheduleRestart(record);
    } else if (record.hostConfig.AutoRemove) {
      void svc.remove(record, { volumes: true, kill: async () => {} }).catch((e: unknown) => svc.options.log(`container ${record.id}: auto-remove: ${String(e)}`));
    }
  }

  private scheduleRestart(record: ContainerRecord): void {
    const delay = this.svc.backoff.next(record);
    record.state.status = 'restarting';
    void this.svc.save(record);
    const timer = setTimeout(() => {
      this.svc.restartTimers.delete(record.id);
      void this.svc.lock
        .run(record.id, async () => {
          if (record.state.status !== 'restarting' || !this.svc.store.lookup(record.id)) return;
          record.restartCount++;
          await this.launch(record);
          this.svc.emit(record, 'restart');
        })
        .catch((e: unknown) => this.svc.options.log(`container ${record.id}: restart: ${String(e)}`));
    }, delay);
    timer.unref();
    this.svc.restartTimers.set(record.id, timer);
  }

  /** Docker's stop: the stop signal, then SIGKILL after `timeoutSec` (-1: wait for ever). */
  async stop(record: ContainerRecord, options: { signal?: string; timeoutSec?: number } = {}): Promise<boolean> {
    this.svc.cancelRestart(record.id);
    if (record.state.status === 'restarting') {
      record.state.status = 'exited';
      record.state.manuallyStopped = true;
      await this.svc.save(record);
      return true;
    }
    if (!isActive(record)) return false; // 304 Not Modified
    record.state.manuallyStopped = true;
    await this.svc.save(record);
    const exited = this.svc.waiters.wait(record, 'next-exit');
    const signal = options.signal || record.config.StopSignal || 'SIGTERM';
    const timeout = options.timeoutSec ?? record.config.StopTimeout ?? 10;
    await this.signal(record, signal).catch(() => {});
    if (timeout >= 0) {
      const timer = sleep(timeout * 1000, 'timeout' as const);
      if ((await Promise.race([exited, timer])) === 'timeout') await this.signal(record, 'SIGKILL').catch(() => {});
    }
    await exited;
    this.svc.emit(record, 'stop');
    return true;
  }

  async kill(record: ContainerRecord, signal = 'SIGKILL'): Promise<void> {
    assertCan(record, 'kill');
    if (record.state.status === 'restarting') return;
    const n = parseSignal(signal);
    if (n === 9 || n === 15) record.state.manuallyStopped = true;
    await this.signal(record, signal);
    this.svc.emit(record, 'kill', { signal: String(n) });
  }

  /** Sends a signal to the init; a frozen container is thawed so that a SIGKILL lands. */
  private async signal(record: ContainerRecord, signal: string): Promise<void> {
    const n = parseSignal(signal);
    await this.shim(record).kill(n);
    if (n === 9 && record.state.status === 'paused') {
      const task = await this.svc.runtime.load(record.id);
      await task.cgroup().thaw();
    }
  }

  /** For rm -f: SIGKILL and wait for the exit to be recorded. */
  async killAndWait(record: ContainerRecord): Promise<void> {
    if (record.state.status === 'restarting') return;
    const pid = record.state.pid;
    await this.signal(record, 'SIGKILL').catch(() => {});
    const exit = await this.shim(record).waitExit().catch(() => undefined);
    await this.exited(record, pid, exit);
  }

  pause(record: ContainerRecord): Promise<void> {
    return this.svc.lock.run(record.id, async () => {
      assertCan(record, 'pause');
      await (await this.svc.runtime.load(record.id)).cgroup().freeze();
      record.state.status = 'paused';
      await this.svc.save(record);
      this.svc.emit(record, 'pause');
    });
  }

  unpause(record: ContainerRecord): Promise<void> {
    return this.svc.lock.run(record.id, async () => {
      assertCan(record, 'unpause');
      await (await this.svc.runtime.load(record.id)).cgroup().thaw();
      record.state.status = 'running';
      await this.svc.save(record);
      this.svc.emit(record, 'unpause');
    });
  }

  /**
   * After a daemon restart: containers whose shim still runs are watched
   * again; those that exited meanwhile get their real exit code from the
   * shim's exit file; a pid from another boot is never trusted.
   */
  async reconcile(record: ContainerRecord): Promise<void> {
    const shim = this.shim(record);
    if (isActive(record)) {
      const sameBoot = record.state.bootId === bootId();
      if (record.state.status === 'restarting') {
        record.state.status = 'exited';
      } else if (sameBoot && shim.isRunning() && isAlive(record.state.pid, record.state.pidStartTime)) {
        this.watch(record);
        return;
      } else {
        await this.exited(record, record.state.pid, sameBoot ? await shim.readExit() : undefined);
        return;
      }
      await this.svc.save(record);
    } else {
      // A start cut short by the crash may have left a container waiting at its start gate.
      await this.svc.releaseResources(record).catch((e: unknown) => {
        if (!isBerthError(e, 'NotFound')) throw e;
      });
    }
  }
}

/** Docker's exit codes for a container that could not start: 127 not found, 126 cannot run, 128 otherwise. */
function startFailureCode(e: unknown): number {
  if (e instanceof CoreStepError) {
    if (e.cannotInvoke === 'not-found') return 127;
    if (e.cannotInvoke === 'not-executable') return 126;
  }
  return 128;
}

/**
 * `docker exec`: a process started in a running container's namespaces and
 * cgroup, under a shim of its own (so its terminal, stdin and exit status
 * are kept like the container's, and its output waits for the client to
 * attach). Execs are kept in memory, as Docker does: they are not part of
 * the container's saved state.
 */
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';
import type { Socket } from 'node:net';

import { conflict, notFound } from '../../../errors.js';
import { CoreStepError } from '../../../runtime/core-error.js';
import { ShimClient } from '../../../runtime/shim/index.js';
import { ALL_CAPABILITIES } from '../../../oci/capabilities.js';
import type { Process } from '../../../oci/spec.js';
import { resolveUser } from '../spec/index.js';
import { assertCan, type ContainerRecord } from '../container.js';
import type { ContainerService } from '../container-service.js';
import { newContainerId } from '../names.js';
import type { ExecConfig } from './exec-config.js';

export interface ExecRecord {
  id: string;
  containerId: string;
  config: ExecConfig;
  running: boolean;
  exitCode: number | null;
  pid: number;
  started: boolean;
  shimDir: string;
}

/** Execs kept after they end, for inspect, per container. */
const KEEP_ENDED = 64;

export class ExecService {
  private readonly execs = new Map<string, ExecRecord>();

  constructor(private readonly svc: ContainerService) {}

  create(record: ContainerRecord, config: ExecConfig): ExecRecord {
    assertCan(record, 'exec');
    const id = newContainerId();
    const exec: ExecRecord = { id, containerId: record.id, config, running: false, exitCode: null, pid: 0, started: false, shimDir: this.svc.paths.exec(record.id, id) };
    this.execs.set(id, exec);
    this.prune(record.id);
    this.svc.emit(record, `exec_create: ${(config.Cmd ?? []).join(' ')}`, { execID: id });
    return exec;
  }

  find(id: string): ExecRecord {
    const exec = this.execs.get(id);
    if (!exec) throw notFound('', `No such exec instance: ${id}`);
    return exec;
  }

  /**
   * Starts the process. Attached: resolves with a socket to its shim and a
   * promise of its end (exit code recorded); detached: no socket.
   */
  async start(exec: ExecRecord, detach: boolean): Promise<{ socket?: Socket; ended: Promise<void> }> {
    const record = this.svc.find(exec.containerId);
    assertCan(record, 'exec');
    if (exec.started) throw conflict('', `Error: Exec command ${exec.id} has already run`);
    exec.started = true;
    const task = await this.svc.runtime.load(record.id);
    const proc = await this.processFor(record, task.spec.process, exec.config);
    await mkdir(path.dirname(exec.shimDir), { recursive: true, mode: 0o700 });
    let pid: number;
    try {
      pid = (
        await task.exec(proc, {
          shim: { stateDir: exec.shimDir, terminal: proc.terminal === true, stdin: exec.config.AttachStdin === true, waitAttach: !detach },
        })
      ).pid;
    } catch (e) {
      exec.exitCode = e instanceof CoreStepError && e.cannotInvoke === 'not-found' ? 127 : 126;
      await rm(exec.shimDir, { recursive: true, force: true });
      throw e;
    }
    exec.pid = pid;
    exec.running = true;
    this.svc.emit(record, `exec_start: ${(exec.config.Cmd ?? []).join(' ')}`, { execID: exec.id });
    const shim = new ShimClient(exec.shimDir);
    const socket = detach ? undefined : await shim.attach();
    // A shim that closed as we connected (ECONNRESET) is gone: its exit file says how the process ended.
    const waited = shim.waitExit().catch(async (e: unknown) => {
      if (shim.isRunning()) throw e;
      return shim.readExit();
    });
    const ended = waited.then(
      async (exit) => {
        exec.exitCode = exit?.exitCode ?? 255;
        exec.running = false;
        await rm(exec.shimDir, { recursive: true, force: true });
        this.svc.emit(record, 'exec_die', { execID: exec.id, exitCode: String(exec.exitCode) });
      },
      () => {
        exec.running = false;
        exec.exitCode ??= 255;
      },
    );
    return socket ? { socket, ended } : { ended };
  }

  idsOf(containerId: string): string[] {
    return [...this.execs.values()].filter((e) => e.containerId === containerId).map((e) => e.id);
  }

  resize(exec: ExecRecord, rows: number, cols: number): Promise<void> {
    return new ShimClient(exec.shimDir).resize(rows, cols);
  }

  /** The exec's process, from the container's: its environment, user, capabilities, unless the exec says otherwise. */
  private async processFor(record: ContainerRecord, base: Process | undefined, c: ExecConfig): Promise<Process> {
    const env = new Map<string, string>();
    for (const e of [...(base?.env ?? []), ...(c.Env ?? [])]) env.set(e.split('=')[0] ?? e, e);
    const proc: Process = {
      ...(base ?? { cwd: '/', user: { uid: 0, gid: 0 } }),
      args: c.Cmd ?? [],
      env: [...env.values()],
      cwd: c.WorkingDir || base?.cwd || '/',
      terminal: c.Tty === true,
    };
    if (c.Tty && c.ConsoleSize) proc.consoleSize = { height: c.ConsoleSize[0], width: c.ConsoleSize[1] };
    else delete proc.consoleSize;
    if (c.User) {
      const u = await resolveUser(`/proc/${record.state.pid}/root`, c.User, []);
      proc.user = { uid: u.uid, gid: u.gid, additionalGids: u.additionalGids };
    }
    if (c.Privileged) {
      const all = [...ALL_CAPABILITIES];
      proc.capabilities = { bounding: all, effective: all, permitted: all };
    }
    return proc;
  }

  inspect(exec: ExecRecord): unknown {
    return {
      ID: exec.id,
      Running: exec.running,
      ExitCode: exec.exitCode,
      ProcessConfig: {
        tty: exec.config.Tty === true,
        entrypoint: exec.config.Cmd?.[0] ?? '',
        arguments: exec.config.Cmd?.slice(1) ?? [],
        privileged: exec.config.Privileged === true,
        ...(exec.config.User ? { user: exec.config.User } : {}),
      },
      OpenStdin: exec.config.AttachStdin === true,
      OpenStderr: exec.config.AttachStderr === true,
      OpenStdout: exec.config.AttachStdout === true,
      CanRemove: false,
      ContainerID: exec.containerId,
      DetachKeys: exec.config.DetachKeys ?? '',
      Pid: exec.pid,
    };
  }

  /** Forgets ended execs of a container beyond the last few, and all of a removed one. */
  prune(containerId: string, all = false): void {
    const ended = [...this.execs.values()].filter((e) => e.containerId === containerId && (all || (!e.running && e.started)));
    for (const e of all ? ended : ended.slice(0, Math.max(0, ended.length - KEEP_ENDED))) this.execs.delete(e.id);
  }
}

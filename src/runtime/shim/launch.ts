/**
 * Runs a launch plan under berth-shim: the shim runs berth-core as its
 * launcher (fd 3 the plan, fd 4 the sync messages, relayed by the shim),
 * adopts the container process the core reports ready, and from then on
 * holds its stdio, log and exit status. The caller may exit or be killed
 * once this resolves; the shim does not need it.
 *
 * A launch that fails leaves nothing: the shim, which records the
 * launcher's exit and ends by itself, is waited for and its state directory
 * removed before the error is thrown.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

import { internal, invalidArgument, unavailable } from '../../errors.js';
import type { CoreLaunch, ExitStatus } from '../core-client.js';
import { CoreStepError, type CoreFailure } from '../core-error.js';
import { encodePlan, type Plan } from '../plan/ops.js';
import { PLAN_FD, SHIM_CONSOLE_SOCKET, SYNC_FD, shimArgs, shimPath, type ShimOptions } from './options.js';
import { ShimClient } from './shim-client.js';
import { stopShim } from './stop-shim.js';

type SyncMessage = CoreFailure | { type: 'ready'; pid: number } | { type: string };

export async function launchUnderShim(plan: Plan, options: ShimOptions, core: string): Promise<CoreLaunch> {
  const shim = shimPath();
  if (!existsSync(shim)) throw unavailable('berth-shim', `not built at ${shim} (run: npm run build)`);
  checkConsole(plan, options);
  const args = shimArgs(options, [core, String(PLAN_FD), String(SYNC_FD)]);
  const client = new ShimClient(options.stateDir);
  let pid: number;
  try {
    pid = await run(shim, args, plan);
  } catch (e) {
    await discardShim(client);
    throw e;
  }
  let exited: Promise<ExitStatus> | undefined;
  return {
    pid,
    shim: client,
    // Lazy: waiting holds a connection, which would keep the caller's event loop alive.
    get exited() {
      exited ??= client.waitExit().then((e) => (e ? { code: e.exitCode, signal: e.signal } : { code: 255, signal: 0 }));
      return exited;
    },
  };
}

/** Waits for a shim to end (killing it if it lingers) and removes its state directory. */
export async function discardShim(client: ShimClient): Promise<void> {
  await stopShim(client);
  await rm(client.stateDir, { recursive: true, force: true });
}

/** The plan connects to the console socket exactly when the shim is to listen on it. */
function checkConsole(plan: Plan, options: ShimOptions): void {
  const connect = plan.find((op) => op.op === 'console_connect');
  if (options.terminal ? connect?.socket !== SHIM_CONSOLE_SOCKET : connect !== undefined) {
    throw invalidArgument('shim.terminal', `the plan's console socket must be ${options.terminal ? SHIM_CONSOLE_SOCKET : 'absent'}`);
  }
}

/** Starts the shim; resolves with the container's pid once the core reports ready. */
function run(shim: string, args: string[], plan: Plan): Promise<number> {
  const child = spawn(shim, args, { stdio: ['ignore', 'ignore', 'pipe', 'pipe', 'pipe'], detached: true });
  const planStream = child.stdio[PLAN_FD] as Writable;
  const sync = child.stdio[SYNC_FD] as Readable;
  planStream.on('error', () => {}); // the core may fail before reading it all; its message says why
  planStream.end(encodePlan(plan));
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr = (stderr + d.toString()).slice(-4096)));

  return new Promise<number>((resolve, reject) => {
    let settled = false;
    const settle = (f: () => void) => {
      if (settled) return;
      settled = true;
      f();
      // The shim closes the sync fd once the launcher is gone; nothing here need wait for it.
      sync.destroy();
      child.unref();
    };
    const lines = createInterface({ input: sync });
    lines.on('line', (line) => {
      if (!line.trim()) return;
      let m: SyncMessage;
      try {
        m = JSON.parse(line) as SyncMessage;
      } catch {
        settle(() => reject(internal('berth-core', `unexpected message: ${line.slice(0, 200)}`)));
        return;
      }
      if (m.type === 'ready' && 'pid' in m) settle(() => resolve(m.pid));
      else if (m.type === 'error') settle(() => reject(new CoreStepError(m as CoreFailure)));
    });
    sync.on('error', () => {});
    child.on('error', (e) => settle(() => reject(internal('berth-shim', `cannot start ${shim}`, e))));
    // The waiting process's exit code is the shim's start-up result (docs/shim.md): 0 serving,
    // 126/127 the core could not be run, 1 or 2 the shim could not start. Its reason is on stderr.
    const stderrClosed = new Promise<void>((r) => (child.stderr ? child.stderr.on('close', () => r()) : r()));
    const startup = new Promise<string | undefined>((r) =>
      child.on('exit', (code, signal) => {
        if (code === 0) r(undefined);
        else void stderrClosed.then(() => r(`start-up failed (${signal ?? code})${stderr.trim() ? `: ${stderr.trim()}` : ''}`));
      }),
    );
    void startup.then((failure) => failure && settle(() => reject(internal('berth-shim', failure))));
    // EOF without ready or error: the launcher, or the shim, is gone without a word.
    lines.on('close', () => {
      if (settled) return;
      void startup.then(async (failure) => {
        if (failure) return; // reported above
        const why = await describeSilentEnd(args);
        settle(() => reject(internal('berth-core', why)));
      });
    });
  });
}

async function describeSilentEnd(args: string[]): Promise<string> {
  const dir = args[args.indexOf('--state') + 1] ?? '';
  const exit = await readFile(path.join(dir, 'exit'), 'utf8').catch(() => '');
  const log = await readFile(path.join(dir, 'shim.log'), 'utf8').catch(() => '');
  const code = exit ? ` (exit ${(JSON.parse(exit) as { exitCode: number }).exitCode})` : '';
  return `exited before the container was ready${code}${log.trim() ? `: ${log.trim()}` : ''}`;
}

import { spawn, type StdioNull, type StdioPipe } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';

import { internal, invalidArgument, unavailable } from '../errors.js';
import { CoreStepError, type CoreFailure } from './core-error.js';
import { nativeBinary } from './native-binary.js';
import { encodePlan, type Plan } from './plan/ops.js';
import { launchUnderShim } from './shim/launch.js';
import type { ShimOptions } from './shim/options.js';
import type { ShimClient } from './shim/shim-client.js';

let cachedCorePath: string | undefined;

/** Where the core binary is: BERTH_CORE, or native/build/berth-core in this checkout. */
export function corePath(): string {
  cachedCorePath ??= process.env['BERTH_CORE'] || nativeBinary('berth-core');
  return cachedCorePath;
}

export interface ExitStatus {
  /** exit code, 128+signal when killed by a signal */
  code: number;
  signal: number;
}

export interface CoreLaunch {
  /** host pid of the container process */
  pid: number;
  /** foreground mode, or under a shim: resolves with the container process's exit status */
  exited: Promise<ExitStatus>;
  /** the shim holding the process's stdio and exit status, when launched under one */
  shim?: ShimClient;
  /** the container's stdio where the caller asked for 'pipe' */
  stdin?: Writable;
  stdout?: Readable;
  stderr?: Readable;
}

export interface CoreOptions {
  /** fds 0, 1, 2 of the container process: inherited fd numbers, 'ignore', or 'pipe' */
  stdio: [StdioSlot, StdioSlot, StdioSlot];
  /** extra fds passed through after stdio (runc's --preserve-fds) */
  preserved?: number[];
  foreground: boolean;
  /** run under berth-shim (detached only); stdio is then the shim's and `stdio` is ignored */
  shim?: ShimOptions | undefined;
}

type StdioSlot = number | StdioNull | StdioPipe;

type CoreMessage = CoreFailure | { type: 'ready'; pid: number } | { type: 'exit'; code: number; signal: number };

/**
 * Runs the C core on a plan: the plan goes in on one pipe, messages come back
 * on another. Resolves once the container process is set up and waiting (or
 * running, for exec); rejects with the failed step otherwise.
 */
export function launch(plan: Plan, options: CoreOptions): Promise<CoreLaunch> {
  const core = corePath();
  if (!existsSync(core)) throw unavailable('berth-core', `not built at ${core} (run: npm run build)`);
  if (options.shim) {
    if (options.foreground) throw invalidArgument('shim', 'a process under a shim runs detached, not in the foreground');
    if (options.preserved?.length) throw invalidArgument('shim', 'preserved fds cannot be passed through a shim');
    return launchUnderShim(plan, options.shim, core);
  }
  const preserved = options.preserved ?? [];
  const stdio = [...options.stdio, ...preserved, 'pipe', 'pipe'] as (StdioSlot)[];
  const planFd = stdio.length - 2;
  const syncFd = stdio.length - 1;
  const child = spawn(core, [String(planFd), String(syncFd)], { stdio, detached: !options.foreground });
  const planStream = child.stdio[planFd] as Writable;
  const sync = child.stdio[syncFd] as Readable;
  planStream.on('error', () => {}); // the core may fail before reading it all; its message says why
  planStream.end(encodePlan(plan));

  return new Promise((resolve, reject) => {
    let buffered = '';
    let pid: number | undefined;
    let settled = false;
    let resolveExit: (s: ExitStatus) => void = () => {};
    const exited = new Promise<ExitStatus>((r) => (resolveExit = r));
    const stderrChunks: Buffer[] = [];
    child.stderr?.on('data', (c: Buffer) => stderrChunks.length < 64 && stderrChunks.push(c));

    const onMessage = (m: CoreMessage) => {
      if (m.type === 'error') {
        settled = true;
        reject(new CoreStepError(m));
      } else if (m.type === 'ready') {
        pid = m.pid;
        settled = true;
        const result: CoreLaunch = { pid, exited };
        if (child.stdout) result.stdout = child.stdout;
        if (child.stderr) result.stderr = child.stderr;
        if (child.stdin) result.stdin = child.stdin;
        resolve(result);
        if (!options.foreground) {
          // The container keeps its end of the sync pipe until exec; do not
          // let that hold this process open.
          sync.destroy();
          child.unref();
        }
      } else if (m.type === 'exit') {
        resolveExit({ code: m.code, signal: m.signal });
      }
    };
    sync.setEncoding('utf8');
    sync.on('data', (chunk: string) => {
      buffered += chunk;
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl);
        buffered = buffered.slice(nl + 1);
        if (line.trim()) onMessage(JSON.parse(line) as CoreMessage);
      }
    });
    sync.on('error', () => {});
    child.on('error', (e) => {
      if (!settled) reject(internal('berth-core', `cannot start ${core}`, e));
      settled = true;
    });
    child.on('exit', (code, signal) => {
      // Let the last messages on the sync pipe arrive first.
      setImmediate(() => {
        if (!settled) {
          settled = true;
          const stderr = Buffer.concat(stderrChunks).toString().trim();
          reject(internal('berth-core', `exited with ${signal ?? code} before the container was ready${stderr ? `: ${stderr}` : ''}`));
        }
        resolveExit({ code: code ?? 128, signal: 0 });
      });
    });
  });
}

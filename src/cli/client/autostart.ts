/**
 * Starting berthd on demand, so that a new user's first `berth run …` works.
 * The daemon runs detached in its own session (it outlives this command),
 * with stdout and stderr appended to `<exec-root>/berthd.log`; the CLI waits
 * until /_ping answers, at most `timeoutMs`.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

import { DaemonUnreachable } from '../errors.js';
import { daemonLogPath } from './host.js';

export interface AutoStartOptions {
  socket: string;
  execRoot: string;
  /** --root given to the CLI, passed on; otherwise the daemon's own default (BERTH_ROOT, /var/lib/berth) */
  root?: string;
  /** true when something answers on the socket */
  ping: () => Promise<boolean>;
  timeoutMs?: number;
}

export async function startDaemon(o: AutoStartOptions): Promise<void> {
  const log = daemonLogPath(o.execRoot);
  mkdirSync(path.dirname(o.socket), { recursive: true, mode: 0o755 });
  mkdirSync(o.execRoot, { recursive: true, mode: 0o755 });
  const fd = openSync(log, 'a', 0o640);
  const [file, ...self] = selfInvocation();
  const args = [...self, 'daemon', ...(o.root ? ['--root', o.root] : []), '--exec-root', o.execRoot, '--host', `unix://${o.socket}`, '--log-file', log];
  let exited: string | undefined;
  try {
    const child = spawn(file as string, args, { detached: true, stdio: ['ignore', fd, fd], env: process.env });
    child.once('exit', (code, signal) => (exited = signal ?? String(code)));
    child.once('error', (e) => (exited = e.message));
    child.unref();
  } finally {
    closeSync(fd);
  }
  const deadline = Date.now() + (o.timeoutMs ?? 10_000);
  while (Date.now() < deadline) {
    if (await o.ping()) return;
    // Another CLI may have started a daemon at the same moment: ours then exits, theirs answers.
    if (exited !== undefined && !(await o.ping())) break;
    await sleep(50);
  }
  const why = exited !== undefined ? `it exited (${exited})` : `it did not answer within ${Math.round((o.timeoutMs ?? 10_000) / 1000)} s`;
  throw new DaemonUnreachable(`Cannot connect to the berth daemon at unix://${o.socket}: started one, but ${why}. Its log, ${log}, ends with:\n${tail(log)}`);
}

/** How to run this same CLI again: node with the script it was given, or `berth` from PATH. */
function selfInvocation(): string[] {
  const script = process.argv[1];
  return script ? [process.execPath, ...process.execArgv, script] : ['berth'];
}

function tail(file: string, lines = 10): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).map((l) => `  ${l}`).join('\n');
  } catch {
    return '  (no log)';
  }
}

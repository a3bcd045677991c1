import { readFile } from 'node:fs/promises';

import { invalidArgument } from '../../errors.js';
import type { Process } from '../../oci/spec.js';
import type { Task } from '../../runtime/task.js';
import { bool, flag, list, parseArgs, type Parsed } from '../args.js';
import type { Command } from '../command.js';

const EXEC_FLAGS = [
  { names: ['--process', '-p'], value: true },
  { names: ['--tty', '-t'] },
  { names: ['--detach', '-d'] },
  { names: ['--pid-file'], value: true },
  { names: ['--console-socket'], value: true },
  { names: ['--cwd'], value: true },
  { names: ['--env', '-e'], value: true, repeat: true },
  { names: ['--user', '-u'], value: true },
  { names: ['--additional-gids', '-g'], value: true, repeat: true },
  { names: ['--cap', '-c'], value: true, repeat: true },
  { names: ['--no-new-privs'] },
  { names: ['--preserve-fds'], value: true },
];

/** exec [flags] ID [COMMAND ARGS...]: run another process in the container. */
export const exec: Command = async (runtime, argv) => {
  const p = parseArgs(argv, EXEC_FLAGS, true);
  const [id, ...command] = p.positional;
  if (!id) throw invalidArgument('container id', 'missing');
  const task = await runtime.load(id);
  const proc = await processFor(task, p, command);
  const launched = await task.exec(proc, {
    consoleSocket: flag(p, '--console-socket'),
    pidFile: flag(p, '--pid-file'),
    detach: bool(p, '--detach'),
    preserveFds: Number(flag(p, '--preserve-fds') ?? 0),
  });
  if (bool(p, '--detach')) return 0;
  return (await launched.exited).code;
};

async function processFor(task: Task, p: Parsed, command: string[]): Promise<Process> {
  const file = flag(p, '--process');
  if (file) return JSON.parse(await readFile(file, 'utf8')) as Process;
  if (command.length === 0) throw invalidArgument('exec', 'a command (or --process) is required');
  const base = task.spec.process ?? { user: { uid: 0, gid: 0 }, cwd: '/' };
  const proc: Process = {
    ...base,
    args: command,
    env: [...(base.env ?? []), ...list(p, '--env')],
    cwd: flag(p, '--cwd') ?? base.cwd,
    terminal: bool(p, '--tty'),
    noNewPrivileges: bool(p, '--no-new-privs') || base.noNewPrivileges === true,
  };
  const user = flag(p, '--user');
  if (user) {
    const [uid, gid] = user.split(':');
    proc.user = { uid: Number(uid), gid: Number(gid ?? 0) };
    if (!Number.isInteger(proc.user.uid) || !Number.isInteger(proc.user.gid)) {
      throw invalidArgument('--user', `expected UID[:GID], got ${JSON.stringify(user)}`);
    }
  }
  const gids = list(p, '--additional-gids').map(Number);
  if (gids.length > 0) proc.user = { ...proc.user, additionalGids: gids };
  const caps = list(p, '--cap');
  if (caps.length > 0) {
    const c = proc.capabilities ?? {};
    const add = (set: string[] | undefined) => [...new Set([...(set ?? []), ...caps])];
    proc.capabilities = { ...c, bounding: add(c.bounding), effective: add(c.effective), permitted: add(c.permitted) };
  }
  return proc;
}

import { appendFileSync } from 'node:fs';

import { BerthError } from '../errors.js';
import { LinuxRuntime } from '../runtime/linux-runtime.js';
import { parseArgs, flag } from './args.js';
import type { Command } from './command.js';
import { create } from './commands/create.js';
import { remove } from './commands/delete.js';
import { exec } from './commands/exec.js';
import { kill } from './commands/kill.js';
import { list } from './commands/list.js';
import { pause, resume } from './commands/pause.js';
import { ps } from './commands/ps.js';
import { run } from './commands/run.js';
import { spec } from './commands/spec.js';
import { start } from './commands/start.js';
import { state } from './commands/state.js';

const COMMANDS: Record<string, Command> = { create, start, state, kill, delete: remove, run, exec, list, pause, resume, ps, spec };

const GLOBAL_FLAGS = [
  { names: ['--root'], value: true },
  { names: ['--log'], value: true },
  { names: ['--log-format'], value: true },
  { names: ['--debug'] },
  // runc flags that tools pass; cgroupfs is the only driver here.
  { names: ['--systemd-cgroup'] },
  { names: ['--rootless'], value: true },
  { names: ['--criu'], value: true },
];

const USAGE = `usage: berth-runtime [--root DIR] [--log FILE] [--log-format text|json] COMMAND [ARGS]

An OCI runtime with runc's command line.

commands:
  create --bundle DIR [--pid-file F] [--console-socket S] ID
  start ID          release a created container
  run [--detach] --bundle DIR ID
  state ID          print the OCI state
  kill [--all] ID [SIGNAL]
  delete [--force] ID
  exec [--tty] [--detach] [--process F] [-e K=V] [-u UID[:GID]] [--cwd DIR] ID COMMAND...
  list [--format table|json] [--quiet]
  pause ID / resume ID
  ps [--format json] ID
  spec [--bundle DIR]
`;

/** Runs berth-runtime with `argv` (without node and the script); returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const verbAt = argv.findIndex((a, i) => !a.startsWith('-') && !isFlagValue(argv, i));
  const global = parseArgs(verbAt < 0 ? argv : argv.slice(0, verbAt), GLOBAL_FLAGS);
  const verb = verbAt < 0 ? undefined : argv[verbAt];
  const logFile = flag(global, '--log');
  const jsonLog = flag(global, '--log-format') === 'json';
  if (!verb || verb === 'help' || verb === '--help') {
    process.stdout.write(USAGE);
    return verb ? 0 : 1;
  }
  const command = COMMANDS[verb];
  if (!command) {
    process.stderr.write(`berth-runtime: unknown command "${verb}"\n${USAGE}`);
    return 1;
  }
  const runtime = new LinuxRuntime({ root: flag(global, '--root') ?? process.env['BERTH_RUNTIME_ROOT'] ?? '/run/berth-runtime' });
  try {
    return await command(runtime, argv.slice(verbAt + 1));
  } catch (e) {
    const message = e instanceof BerthError ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e);
    process.stderr.write(`berth-runtime: ${message}\n`);
    if (logFile) {
      // conmon and other runc drivers read the failure from the log file.
      const line = jsonLog
        ? `${JSON.stringify({ level: 'error', msg: message, time: new Date().toISOString() })}\n`
        : `time="${new Date().toISOString()}" level=error msg=${JSON.stringify(message)}\n`;
      try {
        appendFileSync(logFile, line);
      } catch {
        // the message is on stderr already
      }
    }
    return 1;
  }
}

function isFlagValue(argv: string[], i: number): boolean {
  const prev = argv[i - 1];
  return prev !== undefined && GLOBAL_FLAGS.some((f) => f.value && f.names.includes(prev));
}

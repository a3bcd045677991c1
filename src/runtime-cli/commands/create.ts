import { flag, onePositional, parseArgs } from '../args.js';
import type { Command } from '../command.js';

export const CREATE_FLAGS = [
  { names: ['--bundle', '-b'], value: true },
  { names: ['--pid-file'], value: true },
  { names: ['--console-socket'], value: true },
  { names: ['--preserve-fds'], value: true },
  // Accepted for compatibility with runc's command line; they change nothing here.
  { names: ['--no-pivot'] },
  { names: ['--no-new-keyring'] },
  { names: ['--detach', '-d'] },
  { names: ['--keep'] },
];

/** create --bundle DIR [--pid-file F] [--console-socket S] ID */
export const create: Command = async (runtime, argv) => {
  const p = parseArgs(argv, CREATE_FLAGS);
  const id = onePositional(p, 'container id');
  await runtime.create(id, flag(p, '--bundle') ?? '.', {
    consoleSocket: flag(p, '--console-socket'),
    pidFile: flag(p, '--pid-file'),
    preserveFds: Number(flag(p, '--preserve-fds') ?? 0),
  });
  return 0;
};

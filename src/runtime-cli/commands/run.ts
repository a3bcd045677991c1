import { isBerthError } from '../../errors.js';
import { bool, flag, onePositional, parseArgs } from '../args.js';
import type { Command } from '../command.js';
import { CREATE_FLAGS } from './create.js';

/**
 * run [--detach] --bundle DIR ID: create and start. In the foreground it
 * waits for the container's exit, deletes it, and exits with its status.
 */
export const run: Command = async (runtime, argv) => {
  const p = parseArgs(argv, CREATE_FLAGS);
  const id = onePositional(p, 'container id');
  const detach = bool(p, '--detach');
  const task = await runtime.create(id, flag(p, '--bundle') ?? '.', {
    consoleSocket: flag(p, '--console-socket'),
    pidFile: flag(p, '--pid-file'),
    preserveFds: Number(flag(p, '--preserve-fds') ?? 0),
    foreground: !detach,
  });
  try {
    await task.start();
  } catch (e) {
    await task.delete(true).catch(() => {});
    throw e;
  }
  if (detach) return 0;
  const status = await task.wait();
  if (!bool(p, '--keep')) {
    await task.delete(true).catch((e: unknown) => {
      if (!isBerthError(e, 'NotFound')) throw e;
    });
  }
  return status.code;
};

import { flag, onePositional, parseArgs } from '../args.js';
import type { Command } from '../command.js';

/** ps [--format json] ID: the host pids in the container's cgroup */
export const ps: Command = async (runtime, argv) => {
  const p = parseArgs(argv, [{ names: ['--format', '-f'], value: true }]);
  const pids = await (await runtime.load(onePositional(p, 'container id'))).pids();
  if (flag(p, '--format') === 'json') process.stdout.write(`${JSON.stringify(pids)}\n`);
  else for (const pid of pids) process.stdout.write(`${pid}\n`);
  return 0;
};

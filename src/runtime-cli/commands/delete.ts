import { bool, onePositional, parseArgs } from '../args.js';
import type { Command } from '../command.js';

/** delete [--force] ID */
export const remove: Command = async (runtime, argv) => {
  const p = parseArgs(argv, [{ names: ['--force', '-f'] }]);
  const id = onePositional(p, 'container id');
  await (await runtime.load(id)).delete(bool(p, '--force'));
  return 0;
};

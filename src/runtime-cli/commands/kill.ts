import { bool, parseArgs } from '../args.js';
import type { Command } from '../command.js';
import { invalidArgument } from '../../errors.js';

/** kill [--all] ID [SIGNAL] (default SIGTERM) */
export const kill: Command = async (runtime, argv) => {
  const p = parseArgs(argv, [{ names: ['--all', '-a'] }]);
  const [id, signal = 'SIGTERM'] = p.positional;
  if (!id) throw invalidArgument('container id', 'missing');
  await (await runtime.load(id)).kill(signal, bool(p, '--all'));
  return 0;
};

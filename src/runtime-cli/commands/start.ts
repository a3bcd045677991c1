import { onePositional, parseArgs } from '../args.js';
import type { Command } from '../command.js';

/** start ID */
export const start: Command = async (runtime, argv) => {
  const id = onePositional(parseArgs(argv, []), 'container id');
  await (await runtime.load(id)).start();
  return 0;
};

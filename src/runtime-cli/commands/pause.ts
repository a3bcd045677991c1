import { onePositional, parseArgs } from '../args.js';
import type { Command } from '../command.js';

/** pause ID: freeze every process of the container */
export const pause: Command = async (runtime, argv) => {
  await (await runtime.load(onePositional(parseArgs(argv, []), 'container id'))).pause();
  return 0;
};

/** resume ID */
export const resume: Command = async (runtime, argv) => {
  await (await runtime.load(onePositional(parseArgs(argv, []), 'container id'))).resume();
  return 0;
};

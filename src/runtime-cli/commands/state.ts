import { onePositional, parseArgs } from '../args.js';
import type { Command } from '../command.js';

/** state ID: the OCI state document, with runc's extra fields for tools that read them. */
export const state: Command = async (runtime, argv) => {
  const id = onePositional(parseArgs(argv, []), 'container id');
  const task = await runtime.load(id);
  const s = await task.state();
  const out = { ...s, pid: s.pid ?? 0, rootfs: task.record.rootfs, created: task.record.created, owner: '' };
  process.stdout.write(`${JSON.stringify(out, null, 2)}\n`);
  return 0;
};

import type { Command } from '../command.js';

export const rename: Command = {
  usage: 'CONTAINER NEW_NAME',
  summary: 'Rename a container',
  flags: [],
  args: { min: 2, max: 2 },
  async run(ctx, p) {
    const [old, name] = p.args.map((a) => a.trim()) as [string, string];
    if (!old || !name) throw new Error('Error: Neither old nor new names may be empty');
    await ctx.api().call('POST', `/containers/${old}/rename`, { query: { name } });
    return 0;
  },
};

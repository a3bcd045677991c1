import type { Command } from '../command.js';
import { formatTable } from '../output/table.js';

/** top CONTAINER [ps OPTIONS]: the daemon's `ps` of the container's processes, in docker's wide columns. */
export const top: Command = {
  usage: 'CONTAINER [ps OPTIONS]',
  summary: 'Display the running processes of a container',
  flags: [],
  args: { min: 1 },
  stopAtFirstArg: true,
  async run(ctx, p) {
    const [name, ...psArgs] = p.args as [string, ...string[]];
    const top = await ctx.api().json<{ Titles: string[]; Processes: string[][] }>('GET', `/containers/${name}/top`, {
      query: { ps_args: psArgs.length > 0 ? psArgs.join(' ') : undefined },
    });
    ctx.out(formatTable([top.Titles, ...(top.Processes ?? [])], 20));
    return 0;
  },
};

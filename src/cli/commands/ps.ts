import type { Command } from '../command.js';
import { filtersParam } from '../client/api-client.js';
import { PS_HEADERS, psRow, psTable, type ContainerSummary } from '../container/ps-rows.js';
import { all, bool, int, str } from '../flags.js';
import { formatList } from '../output/go-template.js';
import { truncateId } from '../output/text.js';

export const ps: Command = {
  usage: '[OPTIONS]',
  summary: 'List containers',
  flags: [
    { name: 'all', short: 'a', help: 'Show all containers (default shows just running)' },
    { name: 'filter', short: 'f', value: true, repeat: true, type: 'filter', help: 'Filter output based on conditions provided' },
    { name: 'format', value: true, help: 'Format output using a custom template' },
    { name: 'last', short: 'n', value: true, type: 'int', help: 'Show n last created containers (includes all states) (default -1)' },
    { name: 'latest', short: 'l', help: 'Show the latest created container (includes all states)' },
    { name: 'no-trunc', help: "Don't truncate output" },
    { name: 'quiet', short: 'q', help: 'Only display container IDs' },
    { name: 'size', short: 's', help: 'Display total file sizes' },
  ],
  args: { max: 0 },
  async run(ctx, p) {
    const last = bool(p, 'latest') ? 1 : (int(p, { name: 'last', short: 'n' }) ?? -1);
    const format = str(p, 'format');
    // docker asks for sizes when the format shows them, not only with -s.
    const size = bool(p, 'size') || (format?.includes('.Size') ?? false);
    const list = await ctx.api().json<ContainerSummary[]>('GET', '/containers/json', {
      query: { all: bool(p, 'all') || last > 0 || undefined, limit: last > 0 ? last : undefined, size: size || undefined, filters: filtersParam(all(p, 'filter')) },
    });
    const trunc = !bool(p, 'no-trunc');
    if (bool(p, 'quiet')) {
      ctx.out(list.map((c) => `${trunc ? truncateId(c.Id) : c.Id}\n`).join(''));
      return 0;
    }
    ctx.out(formatList(format, psTable(bool(p, 'size')), list.map((c) => psRow(c, trunc)), PS_HEADERS));
    return 0;
  },
};

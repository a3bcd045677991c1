import type { Command } from '../command.js';
import { filtersParam, type ApiClient } from '../client/api-client.js';
import { all, bool } from '../flags.js';
import { humanSize } from '../output/units.js';
import { confirm } from '../prompt.js';

export const containerPrune: Command = {
  usage: '[OPTIONS]',
  summary: 'Remove all stopped containers',
  flags: [
    { name: 'filter', value: true, repeat: true, type: 'filter', help: 'Provide filter values (e.g. "until=<timestamp>")' },
    { name: 'force', short: 'f', help: 'Do not prompt for confirmation' },
  ],
  args: { max: 0 },
  async run(ctx, p) {
    if (!bool(p, 'force') && !(await confirm(ctx, 'WARNING! This will remove all stopped containers.'))) return 0;
    const { text, reclaimed } = await pruneContainers(ctx.api(), all(p, 'filter'));
    ctx.out(`${text}\nTotal reclaimed space: ${humanSize(reclaimed)}\n`);
    return 0;
  },
};

export async function pruneContainers(api: ApiClient, filters: string[]): Promise<{ text: string; reclaimed: number }> {
  const r = await api.json<{ ContainersDeleted: string[] | null; SpaceReclaimed: number }>('POST', '/containers/prune', { query: { filters: filtersParam(filters) } });
  const deleted = r.ContainersDeleted ?? [];
  return { text: deleted.length > 0 ? `Deleted Containers:\n${deleted.map((d) => `${d}\n`).join('')}` : '', reclaimed: r.SpaceReclaimed ?? 0 };
}

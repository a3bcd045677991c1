import type { Command } from '../command.js';
import { filtersParam, type ApiClient } from '../client/api-client.js';
import { all, bool } from '../flags.js';
import { humanSize } from '../output/units.js';
import { confirm } from '../prompt.js';

interface PruneReport {
  ImagesDeleted: { Untagged?: string; Deleted?: string }[] | null;
  SpaceReclaimed: number;
}

export const imagePrune: Command = {
  usage: '[OPTIONS]',
  summary: 'Remove unused images',
  flags: [
    { name: 'all', short: 'a', help: 'Remove all unused images, not just dangling ones' },
    { name: 'filter', value: true, repeat: true, type: 'filter', help: 'Provide filter values (e.g. "until=<timestamp>")' },
    { name: 'force', short: 'f', help: 'Do not prompt for confirmation' },
  ],
  args: { max: 0 },
  async run(ctx, p) {
    const everything = bool(p, 'all');
    const what = everything ? 'all images without at least one container associated to them' : 'all dangling images';
    if (!bool(p, 'force') && !(await confirm(ctx, `WARNING! This will remove ${what}.`))) return 0;
    const { text, reclaimed } = await pruneImages(ctx.api(), everything, all(p, 'filter'));
    ctx.out(`${text}\nTotal reclaimed space: ${humanSize(reclaimed)}\n`);
    return 0;
  },
};

/** POST /images/prune, and docker's report of it ("Deleted Images:\n…", or nothing). */
export async function pruneImages(api: ApiClient, everything: boolean, filters: string[]): Promise<{ text: string; reclaimed: number }> {
  const report = await api.json<PruneReport>('POST', '/images/prune', { query: { filters: filtersParam([...filters, `dangling=${!everything}`]) } });
  const deleted = report.ImagesDeleted ?? [];
  const text = deleted.length === 0 ? '' : `Deleted Images:\n${deleted.map((d) => (d.Untagged ? `untagged: ${d.Untagged}\n` : `deleted: ${d.Deleted}\n`)).join('')}`;
  return { text, reclaimed: report.SpaceReclaimed ?? 0 };
}

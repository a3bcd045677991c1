import type { Command } from '../command.js';
import { all, bool } from '../flags.js';
import { humanSize } from '../output/units.js';
import { confirm } from '../prompt.js';
import { pruneContainers } from './container-prune.js';
import { pruneImages } from './image-prune.js';
import { pruneVolumes } from './volume.js';

/** system prune: stopped containers, then unused images (dangling, or all with -a), then with --volumes unused volumes. */
export const systemPrune: Command = {
  usage: '[OPTIONS]',
  summary: 'Remove unused data',
  flags: [
    { name: 'all', short: 'a', help: 'Remove all unused images not just dangling ones' },
    { name: 'filter', value: true, repeat: true, type: 'filter', help: 'Provide filter values (e.g. "label=<key>=<value>")' },
    { name: 'force', short: 'f', help: 'Do not prompt for confirmation' },
    { name: 'volumes', help: 'Prune anonymous volumes' },
  ],
  args: { max: 0 },
  async run(ctx, p) {
    const everything = bool(p, 'all');
    const volumes = bool(p, 'volumes');
    const warning = [
      'WARNING! This will remove:',
      '  - all stopped containers',
      ...(volumes ? ['  - all anonymous volumes not used by at least one container'] : []),
      everything ? '  - all images without at least one container associated to them' : '  - all dangling images',
      '',
    ].join('\n');
    if (!bool(p, 'force') && !(await confirm(ctx, warning))) return 0;
    const api = ctx.api();
    const filters = all(p, 'filter');
    let total = 0;
    const reports = [() => pruneContainers(api, filters), ...(volumes ? [() => pruneVolumes(api, false, filters)] : []), () => pruneImages(api, everything, filters)];
    for (const report of reports) {
      const { text, reclaimed } = await report();
      if (text) ctx.out(`${text}\n`);
      total += reclaimed;
    }
    ctx.out(`Total reclaimed space: ${humanSize(total)}\n`);
    return 0;
  },
};

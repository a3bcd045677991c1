import type { Command } from '../command.js';
import { bool, str } from '../flags.js';
import { pullImage } from '../images/pull-image.js';

export const pull: Command = {
  usage: '[OPTIONS] NAME[:TAG|@DIGEST]',
  summary: 'Download an image from a registry',
  flags: [
    { name: 'all-tags', short: 'a', help: 'Download all tagged images in the repository' },
    { name: 'platform', value: true, help: 'Set platform if server is multi-platform capable' },
    { name: 'quiet', short: 'q', help: 'Suppress verbose output' },
  ],
  args: { min: 1, max: 1 },
  async run(ctx, p) {
    const platform = str(p, 'platform');
    const ref = await pullImage(ctx, p.args[0] as string, {
      out: ctx.stdout,
      quiet: bool(p, 'quiet'),
      allTags: bool(p, 'all-tags'),
      ...(platform ? { platform } : {}),
    });
    ctx.out(`${ref}\n`);
    return 0;
  },
};

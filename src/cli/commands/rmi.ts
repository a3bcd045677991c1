import type { Command } from '../command.js';
import { MultiError } from '../errors.js';
import { bool } from '../flags.js';

interface DeleteItem {
  Untagged?: string;
  Deleted?: string;
}

/** Prints what was untagged and deleted; goes on past a failure and reports all of them at the end (exit 1). */
export const rmi: Command = {
  usage: '[OPTIONS] IMAGE [IMAGE...]',
  summary: 'Remove one or more images',
  flags: [
    { name: 'force', short: 'f', help: 'Force removal of the image' },
    { name: 'no-prune', help: 'Do not delete untagged parents' },
  ],
  args: { min: 1 },
  async run(ctx, p) {
    const errors: unknown[] = [];
    for (const name of p.args) {
      try {
        const items = await ctx.api().json<DeleteItem[]>('DELETE', `/images/${name}`, { query: { force: bool(p, 'force') || undefined, noprune: bool(p, 'no-prune') || undefined } });
        for (const item of items ?? []) ctx.out(item.Untagged ? `Untagged: ${item.Untagged}\n` : `Deleted: ${item.Deleted}\n`);
      } catch (e) {
        errors.push(e);
      }
    }
    if (errors.length > 0) throw new MultiError(errors);
    return 0;
  },
};

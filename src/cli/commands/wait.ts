import type { Command } from '../command.js';
import { exitCodeOf, waitFor } from '../container/wait-exit.js';
import { MultiError } from '../errors.js';

/** wait CONTAINER...: each one's exit code, one per line, in the order given. */
export const wait: Command = {
  usage: 'CONTAINER [CONTAINER...]',
  summary: 'Block until one or more containers stop, then print their exit codes',
  flags: [],
  args: { min: 1 },
  async run(ctx, p) {
    const results = await Promise.allSettled(p.args.map(async (n) => (await (await waitFor(ctx.api(), n, 'not-running')).status)));
    const errors: unknown[] = [];
    for (const r of results) {
      if (r.status === 'fulfilled') ctx.out(`${exitCodeOf(r.value, ctx.stderr)}\n`);
      else errors.push(r.reason);
    }
    if (errors.length > 0) throw new MultiError(errors);
    return 0;
  },
};

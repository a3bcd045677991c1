import type { CliContext } from '../context.js';
import { UsageError } from '../context.js';
import { bool, parseFlags } from '../flags.js';
import { progressSink } from '../output/progress.js';

/** push [-q] NAME[:TAG] */
export async function push(ctx: CliContext, argv: string[]): Promise<number> {
  const p = parseFlags(argv, [{ name: 'quiet', short: 'q' }]);
  const [name, ...extra] = p.args;
  if (!name || extra.length > 0) throw new UsageError('"push" requires exactly 1 argument: NAME[:TAG]');
  const quiet = bool(p, 'quiet');
  const sink = progressSink(ctx.stdout);
  try {
    await (await ctx.imageService()).push(name, (ev) => !quiet && sink.update(ev));
  } finally {
    sink.close();
  }
  return 0;
}

import { parsePlatform } from '../../image/platform.js';
import type { CliContext } from '../context.js';
import { UsageError } from '../context.js';
import { bool, parseFlags, str } from '../flags.js';
import { progressSink } from '../output/progress.js';

/** pull [--platform os/arch[/variant]] [-q] NAME[:TAG|@DIGEST] */
export async function pull(ctx: CliContext, argv: string[]): Promise<number> {
  const p = parseFlags(argv, [{ name: 'platform', value: true }, { name: 'quiet', short: 'q' }, { name: 'all-tags', short: 'a' }]);
  const [name, ...extra] = p.args;
  if (!name || extra.length > 0) throw new UsageError('"pull" requires exactly 1 argument: NAME[:TAG|@DIGEST]');
  const images = await ctx.imageService();
  const quiet = bool(p, 'quiet');
  const sink = progressSink(ctx.stdout);
  const platform = str(p, 'platform');
  try {
    const result = await images.pull(name, {
      ...(platform ? { platform: parsePlatform(platform) } : {}),
      onProgress: (ev) => !quiet && sink.update(ev),
    });
    sink.close();
    ctx.out(`${result.name}\n`);
  } finally {
    sink.close();
  }
  return 0;
}

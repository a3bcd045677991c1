import type { CliContext } from '../context.js';
import { UsageError } from '../context.js';
import { parseFlags } from '../flags.js';

/** tag SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG] */
export async function tag(ctx: CliContext, argv: string[]): Promise<number> {
  const p = parseFlags(argv, []);
  const [source, target, ...extra] = p.args;
  if (!source || !target || extra.length > 0) throw new UsageError('"tag" requires exactly 2 arguments: SOURCE_IMAGE[:TAG] TARGET_IMAGE[:TAG]');
  await (await ctx.imageService()).tag(source, target);
  return 0;
}

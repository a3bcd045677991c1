import type { CliContext } from '../context.js';
import { UsageError } from '../context.js';
import { bool, parseFlags } from '../flags.js';

/** rmi [-f] IMAGE...: prints what was untagged and deleted; goes on past a failure, exits 1 if any failed. */
export async function rmi(ctx: CliContext, argv: string[]): Promise<number> {
  const p = parseFlags(argv, [{ name: 'force', short: 'f' }, { name: 'no-prune' }]);
  if (p.args.length === 0) throw new UsageError('"rmi" requires at least 1 argument: IMAGE...');
  const images = await ctx.imageService();
  let code = 0;
  for (const name of p.args) {
    try {
      for (const item of await images.remove(name, { force: bool(p, 'force') })) {
        ctx.out(item.Untagged ? `Untagged: ${item.Untagged}\n` : `Deleted: ${item.Deleted}\n`);
      }
    } catch (e) {
      ctx.stderr.write(`Error: ${(e as Error).message}\n`);
      code = 1;
    }
  }
  return code;
}

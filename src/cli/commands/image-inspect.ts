import type { CliContext } from '../context.js';
import { UsageError } from '../context.js';
import { parseFlags, str } from '../flags.js';
import { parseTemplate } from '../output/go-template.js';

/** image inspect [--format F] IMAGE...: Docker's JSON array; exits 1 if any is missing, after printing the rest. */
export async function imageInspect(ctx: CliContext, argv: string[]): Promise<number> {
  const p = parseFlags(argv, [{ name: 'format', short: 'f', value: true }, { name: 'type', value: true }]);
  if (p.args.length === 0) throw new UsageError('"inspect" requires at least 1 argument');
  const images = await ctx.imageService();
  const found: unknown[] = [];
  let code = 0;
  for (const name of p.args) {
    try {
      found.push(await images.inspect(name));
    } catch (e) {
      ctx.stderr.write(`Error: ${(e as Error).message}\n`);
      code = 1;
    }
  }
  const format = str(p, 'format');
  if (format) {
    const t = parseTemplate(format);
    ctx.out(found.map((f) => `${t.render(f)}\n`).join(''));
  } else {
    ctx.out(`${JSON.stringify(found, null, 4)}\n`);
  }
  return code;
}

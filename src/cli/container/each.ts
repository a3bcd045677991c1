import type { CliContext } from '../context.js';
import { MultiError } from '../errors.js';

/**
 * Runs `op` on every name at once, as docker's parallelOperation does;
 * prints each name whose operation succeeded, in the order given; reports
 * all failures together at the end (exit 1).
 */
export async function forEachName(ctx: CliContext, names: string[], op: (name: string) => Promise<void>, ignore?: (e: unknown) => boolean): Promise<number> {
  const results = await Promise.allSettled(names.map(op));
  const errors: unknown[] = [];
  results.forEach((r, i) => {
    if (r.status === 'fulfilled') ctx.out(`${names[i]}\n`);
    else if (ignore?.(r.reason)) ctx.err(`${(r.reason as Error).message}\n`);
    else errors.push(r.reason);
  });
  if (errors.length > 0) throw new MultiError(errors);
  return 0;
}

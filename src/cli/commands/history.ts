import type { CliContext } from '../context.js';
import { UsageError } from '../context.js';
import { bool, parseFlags, str } from '../flags.js';
import { renderRows } from '../output/go-template.js';
import { formatTable } from '../output/table.js';
import { ago, humanSize } from '../output/units.js';

/** history [--no-trunc] [-q] [--format F] IMAGE */
export async function history(ctx: CliContext, argv: string[]): Promise<number> {
  const p = parseFlags(argv, [{ name: 'no-trunc' }, { name: 'quiet', short: 'q' }, { name: 'format', value: true }, { name: 'human', short: 'H', value: true }]);
  const [name, ...extra] = p.args;
  if (!name || extra.length > 0) throw new UsageError('"history" requires exactly 1 argument: IMAGE');
  const noTrunc = bool(p, 'no-trunc');
  const items = await (await ctx.imageService()).history(name);
  const rows = items.map((h) => ({
    ID: h.Id === '<missing>' || noTrunc ? h.Id : h.Id.replace(/^sha256:/, '').slice(0, 12),
    CreatedSince: h.Created ? ago(new Date(h.Created * 1000)) : 'N/A',
    CreatedBy: noTrunc || h.CreatedBy.length <= 45 ? h.CreatedBy : `${h.CreatedBy.slice(0, 44)}…`,
    Size: humanSize(h.Size),
    Comment: h.Comment,
  }));
  if (bool(p, 'quiet')) {
    ctx.out(rows.map((r) => `${r.ID}\n`).join(''));
    return 0;
  }
  const format = str(p, 'format');
  if (format) {
    ctx.out(renderRows(format, rows));
    return 0;
  }
  ctx.out(formatTable([['IMAGE', 'CREATED', 'CREATED BY', 'SIZE', 'COMMENT'], ...rows.map((r) => [r.ID, r.CreatedSince, r.CreatedBy, r.Size, r.Comment])]));
  return 0;
}

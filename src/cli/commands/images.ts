import type { ImageSummary } from '../../engine/images/views.js';
import type { CliContext } from '../context.js';
import { bool, parseFlags, str } from '../flags.js';
import { renderRows } from '../output/go-template.js';
import { formatTable } from '../output/table.js';
import { ago, humanSize } from '../output/units.js';

interface ImageRow {
  Repository: string;
  Tag: string;
  ID: string;
  Digest: string;
  CreatedSince: string;
  CreatedAt: string;
  Size: string;
}

/** images [-q] [--digests] [--no-trunc] [--format F] [REPOSITORY[:TAG]] */
export async function images(ctx: CliContext, argv: string[]): Promise<number> {
  const p = parseFlags(argv, [
    { name: 'quiet', short: 'q' },
    { name: 'digests' },
    { name: 'no-trunc' },
    { name: 'all', short: 'a' },
    { name: 'format', value: true },
  ]);
  const noTrunc = bool(p, 'no-trunc');
  const rows = toRows(await (await ctx.imageService()).list(), noTrunc).filter((r) => matches(r, p.args[0]));
  if (bool(p, 'quiet')) {
    ctx.out([...new Set(rows.map((r) => r.ID))].map((id) => `${id}\n`).join(''));
    return 0;
  }
  const format = str(p, 'format');
  if (format) {
    ctx.out(renderRows(format, rows));
    return 0;
  }
  const digests = bool(p, 'digests');
  const header = ['REPOSITORY', 'TAG', ...(digests ? ['DIGEST'] : []), 'IMAGE ID', 'CREATED', 'SIZE'];
  ctx.out(formatTable([header, ...rows.map((r) => [r.Repository, r.Tag, ...(digests ? [r.Digest] : []), r.ID, r.CreatedSince, r.Size])]));
  return 0;
}

function toRows(list: ImageSummary[], noTrunc: boolean): ImageRow[] {
  const rows: ImageRow[] = [];
  for (const img of list) {
    const id = noTrunc ? img.Id : img.Id.replace(/^sha256:/, '').slice(0, 12);
    const created = new Date(img.Created * 1000);
    const base = { ID: id, CreatedSince: ago(created), CreatedAt: created.toISOString(), Size: humanSize(img.Size) };
    const digestOf = (repo: string) => img.RepoDigests.find((d) => d.startsWith(`${repo}@`))?.split('@')[1] ?? '<none>';
    if (img.RepoTags.length === 0) rows.push({ ...base, Repository: '<none>', Tag: '<none>', Digest: img.RepoDigests[0]?.split('@')[1] ?? '<none>' });
    for (const tag of img.RepoTags) {
      const at = tag.lastIndexOf(':');
      const repo = tag.slice(0, at);
      rows.push({ ...base, Repository: repo, Tag: tag.slice(at + 1), Digest: digestOf(repo) });
    }
  }
  return rows;
}

function matches(row: ImageRow, filter: string | undefined): boolean {
  if (!filter) return true;
  const at = filter.lastIndexOf(':');
  const hasTag = at > filter.lastIndexOf('/');
  const repo = hasTag ? filter.slice(0, at) : filter;
  return row.Repository === repo && (!hasTag || row.Tag === filter.slice(at + 1));
}

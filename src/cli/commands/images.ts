import type { Command } from '../command.js';
import { filtersParam } from '../client/api-client.js';
import { all, bool, str } from '../flags.js';
import { formatList } from '../output/go-template.js';
import { truncateId } from '../output/text.js';
import { ago, goTimeString, humanSize } from '../output/units.js';

/** GET /images/json, one entry per image. */
export interface ImageSummary {
  Id: string;
  RepoTags: string[] | null;
  RepoDigests: string[] | null;
  Created: number;
  Size: number;
  SharedSize?: number;
  Containers?: number;
  Labels?: Record<string, string> | null;
}

const HEADERS = {
  ID: 'IMAGE ID', Repository: 'REPOSITORY', Tag: 'TAG', Digest: 'DIGEST', CreatedSince: 'CREATED', CreatedAt: 'CREATED AT',
  Size: 'SIZE', Containers: 'CONTAINERS', SharedSize: 'SHARED SIZE', UniqueSize: 'UNIQUE SIZE', VirtualSize: 'VIRTUAL SIZE',
};

export const images: Command = {
  usage: '[OPTIONS] [REPOSITORY[:TAG]]',
  summary: 'List images',
  flags: [
    { name: 'all', short: 'a', help: 'Show all images (default hides intermediate images)' },
    { name: 'digests', help: 'Show digests' },
    { name: 'filter', short: 'f', value: true, repeat: true, type: 'filter', help: 'Filter output based on conditions provided' },
    { name: 'format', value: true, help: 'Format output using a custom template' },
    { name: 'no-trunc', help: "Don't truncate output" },
    { name: 'quiet', short: 'q', help: 'Only show image IDs' },
  ],
  args: { max: 1 },
  async run(ctx, p) {
    const filters = [...all(p, 'filter'), ...p.args.map((r) => `reference=${r}`)];
    const list = await ctx.api().json<ImageSummary[]>('GET', '/images/json', { query: { all: bool(p, 'all') || undefined, filters: filtersParam(filters) } });
    const rows = imageRows(list, !bool(p, 'no-trunc'));
    if (bool(p, 'quiet')) {
      ctx.out([...new Set(rows.map((r) => r.ID))].map((id) => `${id}\n`).join(''));
      return 0;
    }
    const table = bool(p, 'digests')
      ? 'table {{.Repository}}\t{{.Tag}}\t{{.Digest}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}'
      : 'table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}';
    ctx.out(formatList(str(p, 'format'), table, rows, HEADERS));
    return 0;
  },
};

/** One row per name of each image (docker's), newest first; an image without names is <none>:<none>. */
export function imageRows(list: ImageSummary[], trunc: boolean, now = Date.now()) {
  const rows = [];
  for (const img of [...list].sort((a, b) => b.Created - a.Created)) {
    const created = new Date(img.Created * 1000);
    const base = {
      ID: trunc ? truncateId(img.Id) : img.Id,
      CreatedSince: ago(created, now),
      CreatedAt: goTimeString(created),
      Size: humanSize(img.Size),
      VirtualSize: humanSize(img.Size),
      SharedSize: img.SharedSize === undefined || img.SharedSize < 0 ? 'N/A' : humanSize(img.SharedSize),
      UniqueSize: img.SharedSize === undefined || img.SharedSize < 0 ? 'N/A' : humanSize(img.Size - img.SharedSize),
      Containers: img.Containers === undefined || img.Containers < 0 ? 'N/A' : String(img.Containers),
    };
    const digests = img.RepoDigests ?? [];
    const digestOf = (repo: string) => digests.find((d) => d.startsWith(`${repo}@`))?.split('@')[1] ?? '<none>';
    const tags = img.RepoTags ?? [];
    if (tags.length === 0) rows.push({ ...base, Repository: digests[0]?.split('@')[0] ?? '<none>', Tag: '<none>', Digest: digests[0]?.split('@')[1] ?? '<none>' });
    for (const t of tags) {
      const at = t.lastIndexOf(':');
      const repo = t.slice(0, at);
      rows.push({ ...base, Repository: repo, Tag: t.slice(at + 1), Digest: digestOf(repo) });
    }
  }
  return rows;
}

import type { Command } from '../command.js';
import { bool, str } from '../flags.js';
import { formatList } from '../output/go-template.js';
import { ago, humanSize } from '../output/units.js';
import { ellipsis, truncateId } from '../output/text.js';

interface HistoryItem {
  Id: string;
  Created: number;
  CreatedBy: string;
  Tags: string[] | null;
  Size: number;
  Comment: string;
}

const HEADERS = { ID: 'IMAGE', CreatedSince: 'CREATED', CreatedAt: 'CREATED AT', CreatedBy: 'CREATED BY', Size: 'SIZE', Comment: 'COMMENT' };
const TABLE = 'table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}';

export const history: Command = {
  usage: '[OPTIONS] IMAGE',
  summary: 'Show the history of an image',
  flags: [
    { name: 'format', value: true, help: 'Format output using a custom template' },
    { name: 'human', short: 'H', help: 'Print sizes and dates in human readable format (default true)' },
    { name: 'no-trunc', help: "Don't truncate output" },
    { name: 'quiet', short: 'q', help: 'Only show image IDs' },
  ],
  args: { min: 1, max: 1 },
  async run(ctx, p) {
    const items = await ctx.api().json<HistoryItem[]>('GET', `/images/${p.args[0]}/history`);
    const trunc = !bool(p, 'no-trunc');
    const human = str(p, 'human') !== 'false';
    const rows = items.map((h) => {
      const created = new Date(h.Created * 1000);
      const createdBy = h.CreatedBy.replace(/\t/g, ' ');
      return {
        ID: trunc && h.Id !== '<missing>' ? truncateId(h.Id) : h.Id,
        CreatedSince: !h.Created ? 'N/A' : human ? ago(created) : created.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        CreatedAt: created.toISOString().replace(/\.\d{3}Z$/, 'Z'),
        CreatedBy: trunc ? ellipsis(createdBy, 45) : createdBy,
        Size: human ? humanSize(h.Size) : String(h.Size),
        Comment: h.Comment,
      };
    });
    if (bool(p, 'quiet')) {
      ctx.out(rows.map((r) => `${r.ID}\n`).join(''));
      return 0;
    }
    ctx.out(formatList(str(p, 'format'), TABLE, rows, HEADERS));
    return 0;
  },
};

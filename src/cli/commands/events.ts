import type { Command } from '../command.js';
import { filtersParam } from '../client/api-client.js';
import { lines } from '../client/json-messages.js';
import { apiTimestamp } from '../container/timestamps.js';
import { all, str } from '../flags.js';
import { parseTemplate } from '../output/go-template.js';
import { rfc3339NanoFixed } from '../output/units.js';

interface EventMessage {
  Type: string;
  Action: string;
  Actor: { ID: string; Attributes?: Record<string, string> | null };
  time?: number;
  timeNano?: number;
}

/** docker's line for an event: time, type, action, actor, and its attributes sorted by name. */
export function eventLine(e: EventMessage): string {
  const time = e.timeNano ? `${rfc3339NanoFixed(new Date(Math.floor(e.timeNano / 1e6)), e.timeNano % 1e9)} ` : e.time ? `${rfc3339NanoFixed(new Date(e.time * 1000))} ` : '';
  const attrs = Object.entries(e.Actor.Attributes ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `${time}${e.Type} ${e.Action} ${e.Actor.ID}${attrs.length > 0 ? ` (${attrs.map(([k, v]) => `${k}=${v}`).join(', ')})` : ''}\n`;
}

/** events: the daemon's events as they happen (or between --since and --until), one line each. */
export const events: Command = {
  usage: '[OPTIONS]',
  summary: 'Get real time events from the server',
  flags: [
    { name: 'filter', short: 'f', value: true, repeat: true, type: 'filter', help: 'Filter output based on conditions provided' },
    { name: 'format', value: true, help: 'Format output using a custom template' },
    { name: 'since', value: true, help: 'Show all events created since timestamp' },
    { name: 'until', value: true, help: 'Stream events until this timestamp' },
  ],
  args: { max: 0 },
  async run(ctx, p) {
    const since = str(p, 'since');
    const until = str(p, 'until');
    const format = str(p, 'format');
    const template = format ? parseTemplate(format) : undefined;
    const res = await ctx.api().request('GET', '/events', {
      query: { since: since && apiTimestamp(since), until: until && apiTimestamp(until), filters: filtersParam(all(p, 'filter')) },
    });
    for await (const line of lines(res)) {
      if (line.trim() === '') continue;
      const e = JSON.parse(line) as EventMessage;
      ctx.out(template ? `${template.render(e)}\n` : eventLine(e));
    }
    return 0;
  },
};

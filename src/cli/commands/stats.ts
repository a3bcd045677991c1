import type { Command } from '../command.js';
import type { ApiClient } from '../client/api-client.js';
import { lines } from '../client/json-messages.js';
import type { ContainerSummary } from '../container/ps-rows.js';
import { invalidEntry, STATS_HEADERS, STATS_TABLE, statsEntry, statsRow, type StatsEntry, type StatsJson } from '../container/stats-calc.js';
import { MultiError } from '../errors.js';
import { bool, str } from '../flags.js';
import { formatList } from '../output/go-template.js';

/**
 * stats [CONTAINER...]: a table of CPU, memory, network, block I/O and
 * pids. --no-stream reads each container once (concurrently, with
 * one-shot=false so the daemon measures a CPU interval); otherwise each
 * container's stats stream feeds a table redrawn every second in place.
 */
export const stats: Command = {
  usage: '[OPTIONS] [CONTAINER...]',
  summary: 'Display a live stream of container(s) resource usage statistics',
  flags: [
    { name: 'all', short: 'a', help: 'Show all containers (default shows just running)' },
    { name: 'format', value: true, help: 'Format output using a custom template' },
    { name: 'no-stream', help: 'Disable streaming stats and only pull the first result' },
    { name: 'no-trunc', help: "Don't truncate output" },
  ],
  async run(ctx, p) {
    const api = ctx.api();
    const trunc = !bool(p, 'no-trunc');
    const render = (entries: StatsEntry[]) => formatList(str(p, 'format'), STATS_TABLE, entries.map((e) => statsRow(e, trunc)), STATS_HEADERS);
    const named = p.args.length > 0;
    const targets = async () => (named ? p.args : (await api.json<ContainerSummary[]>('GET', '/containers/json', { query: { all: bool(p, 'all') || undefined } })).map((c) => c.Id));
    if (bool(p, 'no-stream')) {
      const results = await Promise.allSettled((await targets()).map((t) => oneShot(api, t)));
      const failed = results.flatMap((r) => (r.status === 'rejected' ? [r.reason] : []));
      // Named containers must all answer (docker's rule); a listed one may have gone meanwhile.
      if (named && failed.length > 0) throw new MultiError(failed);
      ctx.out(render(results.flatMap((r) => (r.status === 'fulfilled' ? [r.value] : []))));
      return 0;
    }
    const live = new Map<string, StatsEntry>();
    const follow = (t: string) => {
      if (live.has(t)) return;
      live.set(t, invalidEntry(t));
      void streamStats(api, t, (e) => live.has(t) && live.set(t, e)).finally(() => {
        if (!named && !bool(p, 'all')) live.delete(t);
      });
    };
    for (const t of await targets()) follow(t);
    if (ctx.stdout.isTTY) ctx.out('\x1b[2J');
    for (;;) {
      if (!named) for (const t of await targets().catch(() => [])) follow(t);
      const text = render([...live.values()]);
      // Home, each line over the old one (erasing its rest), then erase below: no flicker.
      ctx.out(`\x1b[H${text.split('\n').slice(0, -1).map((l) => `${l}\x1b[K\n`).join('')}\x1b[J`);
      if (live.size === 0 && !bool(p, 'all') && !named) return 0;
      await new Promise((r) => setTimeout(r, 1000));
    }
  },
};

async function oneShot(api: ApiClient, container: string): Promise<StatsEntry> {
  return statsEntry(container, await api.json<StatsJson>('GET', `/containers/${container}/stats`, { query: { stream: false, 'one-shot': false } }));
}

async function streamStats(api: ApiClient, container: string, update: (e: StatsEntry) => void): Promise<void> {
  try {
    const res = await api.request('GET', `/containers/${container}/stats`, { query: { stream: true } });
    for await (const line of lines(res)) if (line.trim()) update(statsEntry(container, JSON.parse(line) as StatsJson));
  } catch {
    update(invalidEntry(container));
  }
}

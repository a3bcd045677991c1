import type { Command } from '../command.js';
import { copyTo, demuxTo } from '../client/stdcopy.js';
import { apiTimestamp } from '../container/timestamps.js';
import { bool, str } from '../flags.js';

/**
 * logs CONTAINER: the container's output from the daemon's log, stdout and
 * stderr kept apart (stdcopy frames) unless the container has a TTY, in
 * which case the bytes are copied as they are.
 */
export const logs: Command = {
  usage: '[OPTIONS] CONTAINER',
  summary: 'Fetch the logs of a container',
  flags: [
    { name: 'details', help: 'Show extra details provided to logs' },
    { name: 'follow', short: 'f', help: 'Follow log output' },
    { name: 'since', value: true, help: 'Show logs since timestamp (e.g. "2013-01-02T13:23:37Z") or relative (e.g. "42m" for 42 minutes)' },
    { name: 'tail', short: 'n', value: true, help: 'Number of lines to show from the end of the logs (default "all")' },
    { name: 'timestamps', short: 't', help: 'Show timestamps' },
    { name: 'until', value: true, help: 'Show logs before a timestamp (e.g. "2013-01-02T13:23:37Z") or relative (e.g. "42m" for 42 minutes)' },
  ],
  args: { min: 1, max: 1 },
  async run(ctx, p) {
    const name = p.args[0] as string;
    const since = str(p, 'since');
    const until = str(p, 'until');
    const c = await ctx.api().json<{ Config: { Tty: boolean } }>('GET', `/containers/${name}/json`);
    const res = await ctx.api().request('GET', `/containers/${name}/logs`, {
      query: {
        stdout: true,
        stderr: true,
        follow: bool(p, 'follow') || undefined,
        timestamps: bool(p, 'timestamps') || undefined,
        details: bool(p, 'details') || undefined,
        tail: str(p, 'tail') ?? 'all',
        since: since === undefined ? undefined : apiTimestamp(since),
        until: until === undefined ? undefined : apiTimestamp(until),
      },
    });
    if (c.Config.Tty) await copyTo(res, ctx.stdout);
    else await demuxTo(res, ctx.stdout, ctx.stderr);
    return 0;
  },
};

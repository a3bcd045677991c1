import type { Command } from '../command.js';
import { attachContainer, runSession } from '../container/attach-session.js';
import { forEachName } from '../container/each.js';
import { proxySignals } from '../container/signals.js';
import { exitCodeOf, waitFor, type ExitWait } from '../container/wait-exit.js';
import { bool, str } from '../flags.js';

interface Inspected {
  Id: string;
  Config: { Tty: boolean; OpenStdin: boolean };
  HostConfig: { AutoRemove: boolean };
}

/**
 * start CONTAINER...: prints each name started. With -a/-i (one container):
 * attach and wait first, then start, then carry the streams and exit with
 * the container's code, as `run` does.
 */
export const start: Command = {
  usage: '[OPTIONS] CONTAINER [CONTAINER...]',
  summary: 'Start one or more stopped containers',
  flags: [
    { name: 'attach', short: 'a', help: 'Attach STDOUT/STDERR and forward signals' },
    { name: 'detach-keys', value: true, help: 'Override the key sequence for detaching a container' },
    { name: 'interactive', short: 'i', help: "Attach container's STDIN" },
  ],
  args: { min: 1 },
  async run(ctx, p) {
    const api = ctx.api();
    const interactive = bool(p, 'interactive');
    if (!bool(p, 'attach') && !interactive) return forEachName(ctx, p.args, (n) => api.call('POST', `/containers/${n}/start`));
    if (p.args.length > 1) throw new Error('you cannot start and attach multiple containers at once');
    const c = await api.json<Inspected>('GET', `/containers/${p.args[0]}/json`);
    const detachKeys = str(p, 'detach-keys');
    const stdin = interactive && c.Config.OpenStdin;
    if (stdin && c.Config.Tty && !ctx.stdin.isTTY) throw new Error('the input device is not a TTY');
    const stopSignals = c.Config.Tty ? () => {} : proxySignals(api, c.Id);
    const conn = await attachContainer(ctx, c.Id, { stdin, stdout: true, stderr: true, detachKeys });
    let wait: ExitWait | undefined;
    try {
      wait = await waitFor(api, c.Id, c.HostConfig.AutoRemove ? 'removed' : 'next-exit');
      await api.call('POST', `/containers/${c.Id}/start`);
      const { detached } = await runSession(ctx, conn, { tty: c.Config.Tty, stdin, resizePath: `/containers/${c.Id}/resize`, detachKeys });
      return detached ? 0 : exitCodeOf(await wait.status, ctx.stderr);
    } finally {
      stopSignals();
      conn.socket.destroy();
      wait?.cancel();
    }
  },
};

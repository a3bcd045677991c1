import type { Command } from '../command.js';
import { attachContainer, runSession } from '../container/attach-session.js';
import { proxySignals } from '../container/signals.js';
import { exitCodeOf, waitFor } from '../container/wait-exit.js';
import { bool, str } from '../flags.js';

interface Inspected {
  Id: string;
  State: { Running: boolean; Paused: boolean; Restarting: boolean };
  Config: { Tty: boolean; OpenStdin: boolean };
}

/** attach CONTAINER: the running container's streams here until it exits (its code) or the user detaches (0). */
export const attach: Command = {
  usage: '[OPTIONS] CONTAINER',
  summary: 'Attach local standard input, output, and error streams to a running container',
  flags: [
    { name: 'detach-keys', value: true, help: 'Override the key sequence for detaching a container' },
    { name: 'no-stdin', help: 'Do not attach STDIN' },
    { name: 'sig-proxy', help: 'Proxy all received signals to the process (default true)' },
  ],
  args: { min: 1, max: 1 },
  async run(ctx, p) {
    const api = ctx.api();
    const c = await api.json<Inspected>('GET', `/containers/${p.args[0]}/json`);
    if (!c.State.Running) throw new Error('You cannot attach to a stopped container, start it first');
    if (c.State.Paused) throw new Error('You cannot attach to a paused container, unpause it first');
    if (c.State.Restarting) throw new Error('You cannot attach to a restarting container, wait until it is running');
    const stdin = !bool(p, 'no-stdin') && c.Config.OpenStdin;
    if (stdin && c.Config.Tty && !ctx.stdin.isTTY) throw new Error('the input device is not a TTY');
    const detachKeys = str(p, 'detach-keys');
    const wait = await waitFor(api, c.Id, 'not-running');
    const stopSignals = !c.Config.Tty && str(p, 'sig-proxy') !== 'false' ? proxySignals(api, c.Id) : () => {};
    try {
      const conn = await attachContainer(ctx, c.Id, { stdin, stdout: true, stderr: true, detachKeys });
      try {
        const { detached } = await runSession(ctx, conn, { tty: c.Config.Tty, stdin, resizePath: `/containers/${c.Id}/resize`, detachKeys });
        return detached ? 0 : exitCodeOf(await wait.status, ctx.stderr);
      } finally {
        conn.socket.destroy();
      }
    } finally {
      stopSignals();
      wait.cancel();
    }
  },
};

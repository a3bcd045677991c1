import type { Command } from '../command.js';
import type { ApiClient, Hijacked } from '../client/api-client.js';
import { attachContainer, runSession } from '../container/attach-session.js';
import { createContainer } from '../container/create-container.js';
import { RUN_FLAGS } from '../container/create-flags.js';
import { parseCreate } from '../container/parse-create.js';
import { runStatusError } from '../container/run-errors.js';
import { proxySignals } from '../container/signals.js';
import { exitCodeOf, waitFor, within, type ExitWait } from '../container/wait-exit.js';
import { StatusError } from '../errors.js';
import { all, bool, str } from '../flags.js';

const USAGE = '[OPTIONS] IMAGE [COMMAND] [ARG...]';

/**
 * run, in docker's order: create (pulling a missing image); attach to the
 * streams and start waiting for the exit (`next-exit`, or `removed` with
 * --rm) BEFORE start, so no output and no exit can be missed; start; carry
 * the streams; exit with the container's exit code. With -d: create,
 * start, print the id.
 */
export const run: Command = {
  usage: USAGE,
  summary: 'Create and run a new container from an image',
  flags: RUN_FLAGS,
  args: { min: 1 },
  stopAtFirstArg: true,
  async run(ctx, p, path) {
    const detach = bool(p, 'detach');
    if (detach && all(p, 'attach').length > 0) throw new StatusError(125, 'berth: conflicting options: cannot specify both --attach and --detach');
    const req = parseCreate(ctx, p, path, USAGE, detach);
    const body = req.body as { AttachStdin: boolean; AttachStdout: boolean; AttachStderr: boolean; Tty: boolean; HostConfig: { AutoRemove: boolean } };
    if (!detach && body.AttachStdin && body.Tty && !ctx.stdin.isTTY) throw new Error('the input device is not a TTY');
    const api = ctx.api();
    let id: string;
    try {
      id = await createContainer(ctx, req);
    } catch (e) {
      throw runStatusError(e, 'run');
    }
    const attach = body.AttachStdin || body.AttachStdout || body.AttachStderr;
    if (!attach) {
      // docker prints the id as soon as it has one, whether or not start then succeeds.
      ctx.out(`${id}\n`);
      try {
        await start(api, id);
      } catch (e) {
        throw runStatusError(e, 'run');
      }
      return 0;
    }
    const detachKeys = str(p, 'detach-keys');
    const stopSignals = !body.Tty && str(p, 'sig-proxy') !== 'false' ? proxySignals(api, id) : () => {};
    let conn: Hijacked | undefined;
    let wait: ExitWait | undefined;
    try {
      conn = await attachContainer(ctx, id, { stdin: body.AttachStdin, stdout: body.AttachStdout, stderr: body.AttachStderr, detachKeys });
      wait = await waitFor(api, id, body.HostConfig.AutoRemove ? 'removed' : 'next-exit');
      try {
        await start(api, id);
      } catch (e) {
        conn.socket.destroy();
        // docker waits for --rm to remove the container that did not start; berth waits a while.
        if (body.HostConfig.AutoRemove) await within(wait, 10_000);
        throw runStatusError(e, 'run');
      }
      const { detached } = await runSession(ctx, conn, { tty: body.Tty, stdin: body.AttachStdin, resizePath: `/containers/${id}/resize`, detachKeys });
      if (detached) return 0;
      return exitCodeOf(await wait.status, ctx.stderr);
    } finally {
      stopSignals();
      conn?.socket.destroy();
      wait?.cancel();
    }
  },
};

const start = (api: ApiClient, id: string) => api.call('POST', `/containers/${id}/start`);

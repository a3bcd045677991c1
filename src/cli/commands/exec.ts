import type { Command } from '../command.js';
import { consoleSize } from '../client/tty.js';
import { runSession } from '../container/attach-session.js';
import { execBody } from '../container/exec-body.js';
import { runStatusError } from '../container/run-errors.js';
import { StatusError } from '../errors.js';
import { bool, str } from '../flags.js';

/**
 * exec CONTAINER COMMAND...: POST /containers/ID/exec, then /exec/ID/start
 * — detached (-d), or hijacked with the streams carried here — and, once
 * the output ends, the command's exit code from GET /exec/ID/json.
 */
export const exec: Command = {
  usage: '[OPTIONS] CONTAINER COMMAND [ARG...]',
  summary: 'Execute a command in a running container',
  flags: [
    { name: 'detach', short: 'd', help: 'Detached mode: run command in the background' },
    { name: 'detach-keys', value: true, help: 'Override the key sequence for detaching a container' },
    { name: 'env', short: 'e', value: true, repeat: true, help: 'Set environment variables' },
    { name: 'env-file', value: true, repeat: true, help: 'Read in a file of environment variables' },
    { name: 'interactive', short: 'i', help: 'Keep STDIN open even if not attached' },
    { name: 'privileged', help: 'Give extended privileges to the command' },
    { name: 'tty', short: 't', help: 'Allocate a pseudo-TTY' },
    { name: 'user', short: 'u', value: true, help: 'Username or UID (format: "<name|uid>[:<group|gid>]")' },
    { name: 'workdir', short: 'w', value: true, help: 'Working directory inside the container' },
  ],
  args: { min: 2 },
  stopAtFirstArg: true,
  async run(ctx, p) {
    const api = ctx.api();
    const container = p.args[0] as string;
    const detach = bool(p, 'detach');
    const tty = bool(p, 'tty');
    const interactive = bool(p, 'interactive');
    const detachKeys = str(p, 'detach-keys');
    let body: Record<string, unknown>;
    const size = tty ? consoleSize(ctx.stdout) : undefined;
    try {
      body = execBody(p, size);
    } catch (e) {
      throw runStatusError(e, 'exec');
    }
    await api.json('GET', `/containers/${container}/json`); // docker's check: a clear "No such container" first
    if (!detach && tty && interactive && !ctx.stdin.isTTY) throw new Error('the input device is not a TTY');
    const created = await api.json<{ Id: string }>('POST', `/containers/${container}/exec`, { json: body });
    const startBody = { Detach: detach, Tty: tty, ...(size ? { ConsoleSize: size } : {}) };
    if (detach) {
      await api.call('POST', `/exec/${created.Id}/start`, { json: startBody });
      return 0;
    }
    const conn = await api.hijack('POST', `/exec/${created.Id}/start`, { json: startBody });
    const { detached } = await runSession(ctx, conn, { tty, stdin: interactive, resizePath: `/exec/${created.Id}/resize`, detachKeys });
    if (detached) return 0;
    const inspected = await api.json<{ ExitCode: number | null; Running: boolean }>('GET', `/exec/${created.Id}/json`);
    const code = inspected.ExitCode ?? 0;
    if (code !== 0) throw new StatusError(code);
    return 0;
  },
};

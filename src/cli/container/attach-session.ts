/**
 * An interactive session on a hijacked connection, shared by `run`,
 * `start -a`, `attach` and `exec`: the terminal raw when there is a TTY
 * (and put back afterwards), the TTY kept at the terminal's size, the
 * streams carried until the output ends or the user detaches.
 */
import type { Hijacked } from '../client/api-client.js';
import { DEFAULT_DETACH_KEYS, pumpStreams } from '../client/attach-streams.js';
import { monitorTtySize, rawTerminal } from '../client/tty.js';
import type { CliContext } from '../context.js';

export interface AttachFlags {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  detachKeys?: string | undefined;
}

/** POST /containers/ID/attach?stream=1&stdin=…, hijacked. */
export function attachContainer(ctx: CliContext, id: string, a: AttachFlags): Promise<Hijacked> {
  return ctx.api().hijack('POST', `/containers/${id}/attach`, {
    query: { stream: true, stdin: a.stdin || undefined, stdout: a.stdout || undefined, stderr: a.stderr || undefined, detachKeys: a.detachKeys },
    headers: { 'Content-Type': 'text/plain' },
  });
}

export interface SessionOptions {
  tty: boolean;
  /** stdin is attached */
  stdin: boolean;
  /** `/containers/ID/resize` or `/exec/ID/resize` */
  resizePath: string;
  detachKeys?: string | undefined;
}

export async function runSession(ctx: CliContext, conn: Hijacked, o: SessionOptions): Promise<{ detached: boolean }> {
  const restore = o.tty && o.stdin ? rawTerminal(ctx.stdin) : () => {};
  const stopResize = o.tty ? monitorTtySize(ctx.api(), o.resizePath, ctx.stdout) : () => {};
  try {
    return await pumpStreams({
      conn,
      tty: o.tty,
      ...(o.stdin ? { stdin: ctx.stdin } : {}),
      stdout: ctx.stdout,
      stderr: ctx.stderr,
      detachKeys: o.detachKeys ? parseDetachKeys(o.detachKeys) : DEFAULT_DETACH_KEYS,
    });
  } finally {
    stopResize();
    restore();
  }
}

/** "ctrl-p,ctrl-q" → its bytes, as docker's term.ToBytes reads it. */
export function parseDetachKeys(keys: string): Buffer {
  const out: number[] = [];
  for (const key of keys.split(',').map((k) => k.trim())) {
    const ctrl = /^ctrl-(.)$/i.exec(key);
    if (ctrl) {
      const c = (ctrl[1] as string).toLowerCase();
      const code = c >= 'a' && c <= 'z' ? c.charCodeAt(0) - 96 : { '@': 0, '[': 27, '\\': 28, ']': 29, '^': 30, _: 31 }[c];
      if (code === undefined) throw new Error(`Unknown character: '${key}'`);
      out.push(code);
    } else if (key.length === 1) {
      out.push(key.charCodeAt(0));
    } else {
      throw new Error(`Unknown character: '${key}'`);
    }
  }
  return Buffer.from(out);
}

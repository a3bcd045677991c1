/** `docker exec`: create, start (hijacked or detached), resize, inspect. */
import { relay } from '../engine/containers/attach-relay.js';
import { ShimClient } from '../runtime/shim/index.js';
import type { Action } from './actions.js';
import type { ApiContext } from './context.js';
import { json, MULTIPLEXED, RAW_STREAM, type Reply } from './reply.js';

type Of<K extends Action['kind']> = Extract<Action, { kind: K }>;

export function create(ctx: ApiContext, a: Of<'execCreate'>): Reply {
  const record = ctx.engine.containers.find(a.id);
  const exec = ctx.engine.execs.create(record, a.config);
  return json({ Id: exec.id }, 201);
}

export async function start(ctx: ApiContext, a: Of<'execStart'>): Promise<Reply> {
  const exec = ctx.engine.execs.find(a.execId);
  if (a.detach) {
    await ctx.engine.execs.start(exec, true);
    return { type: 'empty', status: 200 };
  }
  const tty = exec.config.Tty === true;
  return {
    type: 'hijack',
    contentType: tty ? RAW_STREAM : MULTIPLEXED,
    run: async (conn) => {
      let started;
      try {
        started = await ctx.engine.execs.start(exec, false);
      } catch (e) {
        // The connection is already ours: the error goes down it, as dockerd
        // does, and the exit code (126/127) is in exec inspect.
        const text = Buffer.from(`${e instanceof Error ? e.message : String(e)}\r\n`);
        conn.end(tty ? text : frame(text));
        return;
      }
      if (!started.socket) return;
      await relay(started.socket, conn, {
        stdin: exec.config.AttachStdin === true,
        stdout: exec.config.AttachStdout !== false,
        stderr: exec.config.AttachStderr !== false,
        tty,
        onStdinEnd: () => void new ShimClient(exec.shimDir).closeStdin().catch(() => {}),
        beforeEnd: () => started.ended,
      });
    },
  };
}

function frame(payload: Buffer): Buffer {
  const header = Buffer.alloc(8);
  header[0] = 1;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

export async function resize(ctx: ApiContext, a: Of<'execResize'>): Promise<Reply> {
  await ctx.engine.execs.resize(ctx.engine.execs.find(a.execId), a.rows, a.cols);
  return { type: 'empty', status: 200 };
}

export function inspect(ctx: ApiContext, a: Of<'execInspect'>): Reply {
  return json(ctx.engine.execs.inspect(ctx.engine.execs.find(a.execId)));
}

/** Endpoints that stream: logs, attach, stats. */
import { conflict } from '../errors.js';
import { relay } from '../engine/containers/attach-relay.js';
import { isActive } from '../engine/containers/lifecycle.js';
import { encodeLogEntry, parseLogTime, readLogs } from '../engine/containers/logs/index.js';
import type { Action } from './actions.js';
import type { ApiContext } from './context.js';
import { json, MULTIPLEXED, RAW_STREAM, type Reply } from './reply.js';

type Of<K extends Action['kind']> = Extract<Action, { kind: K }>;

export function logs(ctx: ApiContext, a: Of<'containerLogs'>): Reply {
  const r = ctx.engine.containers.find(a.id);
  const q = a.query;
  const since = q.since !== undefined ? parseLogTime(q.since, 'since') : undefined;
  const until = q.until !== undefined ? parseLogTime(q.until, 'until') : undefined;
  const tty = r.config.Tty === true;
  return {
    type: 'stream',
    run: async (res) => {
      const abort = new AbortController();
      res.on('close', () => abort.abort());
      const follow = q.follow && isActive(r);
      res.writeHead(200, { 'Content-Type': tty ? RAW_STREAM : MULTIPLEXED });
      res.flushHeaders();
      const untilExited = follow ? ctx.engine.containers.waiters.wait(r, 'next-exit', abort.signal).then(() => {}, () => {}) : undefined;
      const entries = readLogs(ctx.engine.containers.paths.log(r.id), {
        stdout: q.stdout,
        stderr: q.stderr,
        follow,
        signal: abort.signal,
        ...(q.tail !== undefined ? { tail: q.tail } : {}),
        ...(since ? { since } : {}),
        ...(until ? { until } : {}),
        ...(untilExited ? { untilExited } : {}),
      });
      for await (const e of entries) {
        const ok = res.write(encodeLogEntry(e, { timestamps: q.timestamps, tty }));
        if (!ok) await new Promise((resolve) => res.once('drain', resolve));
      }
      res.end();
    },
  };
}

export function attach(ctx: ApiContext, a: Of<'containerAttach'>): Reply {
  const svc = ctx.engine.containers;
  const r = svc.find(a.id);
  if (r.state.status === 'removing' || r.state.status === 'dead') throw conflict('', `cannot attach to a ${r.state.status} container`);
  const q = a.query;
  const tty = r.config.Tty === true;
  const socket = ctx.engine.attachments.connect(r, svc.paths.shim(r.id), isActive(r));
  socket.catch(() => {});
  return {
    type: 'hijack',
    contentType: tty ? RAW_STREAM : MULTIPLEXED,
    run: async (conn) => {
      // Input sent before the container starts (docker run -i) waits in the
      // connection until the relay reads it; so does the client's EOF.
      conn.pause();
      let gone = false;
      conn.once('close', () => (gone = true));
      const shim = await socket.catch(() => undefined);
      if (!shim || gone) {
        shim?.destroy();
        conn.end();
        return;
      }
      await relay(shim, conn, {
        stdin: q.stdin && r.config.OpenStdin === true,
        stdout: q.stdout,
        stderr: q.stderr,
        tty,
        ...(r.config.StdinOnce ? { onStdinEnd: () => void ctx.engine.lifecycle.shim(r).closeStdin().catch(() => {}) } : {}),
      });
    },
  };
}

export async function stats(ctx: ApiContext, a: Of<'containerStats'>): Promise<Reply> {
  const r = ctx.engine.containers.find(a.id);
  if (!a.stream) {
    if (!isActive(r)) return json(emptyStats(r.id, r.name));
    return json(await ctx.engine.stats.oneShot(r));
  }
  return {
    type: 'stream',
    run: async (res) => {
      const abort = new AbortController();
      res.on('close', () => abort.abort());
      res.writeHead(200, { 'Content-Type': 'application/json' });
      if (!isActive(r)) {
        res.end(`${JSON.stringify(emptyStats(r.id, r.name))}\n`);
        return;
      }
      try {
        for await (const s of ctx.engine.stats.stream(r, abort.signal)) {
          if (!isActive(r)) break;
          res.write(`${JSON.stringify(s)}\n`);
        }
      } catch {
        // the container went away between two samples
      }
      res.end();
    },
  };
}

/** Docker's answer for a container that does not run: every figure zero. */
function emptyStats(id: string, name: string): unknown {
  const zero = '0001-01-01T00:00:00Z';
  const cpu = { cpu_usage: { total_usage: 0, usage_in_kernelmode: 0, usage_in_usermode: 0 }, throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 } };
  return {
    read: zero,
    preread: zero,
    pids_stats: {},
    blkio_stats: { io_service_bytes_recursive: null, io_serviced_recursive: null, io_queue_recursive: null, io_service_time_recursive: null, io_wait_time_recursive: null, io_merged_recursive: null, io_time_recursive: null, sectors_recursive: null },
    num_procs: 0,
    storage_stats: {},
    cpu_stats: cpu,
    precpu_stats: cpu,
    memory_stats: {},
    name: `/${name}`,
    id,
  };
}

/**
 * `docker cp`: the container's files as the container sees them. A running
 * container is reached through /proc/<pid>/root (its volumes and tmpfs
 * mounts included); a stopped one through its root filesystem, mounted for
 * the time of the copy.
 */
import { archivePath, encodePathStatHeader, extractArchive, statPath } from '../engine/containers/archive/index.js';
import type { ContainerRecord } from '../engine/containers/container.js';
import { isActive } from '../engine/containers/lifecycle.js';
import type { Action } from './actions.js';
import type { ApiContext } from './context.js';
import type { Reply } from './reply.js';

type Of<K extends Action['kind']> = Extract<Action, { kind: K }>;

const STAT_HEADER = 'X-Docker-Container-Path-Stat';

async function withRoot<T>(ctx: ApiContext, record: ContainerRecord, fn: (root: string) => Promise<T>): Promise<T> {
  if (isActive(record) && record.state.pid > 0) return fn(`/proc/${record.state.pid}/root`);
  return ctx.engine.containers.withStoppedRootfs(record, fn);
}

export async function stat(ctx: ApiContext, a: Of<'containerArchiveStat'>): Promise<Reply> {
  const r = ctx.engine.containers.find(a.id);
  const st = await withRoot(ctx, r, (root) => statPath(root, a.path, { container: a.id }));
  return {
    type: 'stream',
    run: async (res) => {
      res.writeHead(200, { [STAT_HEADER]: encodePathStatHeader(st), 'Content-Length': 0 });
      res.end();
    },
  };
}

export async function get(ctx: ApiContext, a: Of<'containerArchiveGet'>): Promise<Reply> {
  const r = ctx.engine.containers.find(a.id);
  if (isActive(r) && r.state.pid > 0) {
    const { stat: st, stream } = await archivePath(`/proc/${r.state.pid}/root`, a.path, { container: a.id });
    return {
      type: 'stream',
      run: async (res) => {
        res.writeHead(200, { 'Content-Type': 'application/x-tar', [STAT_HEADER]: encodePathStatHeader(st) });
        await pipe(stream, res);
      },
    };
  }
  // A stopped container's rootfs stays mounted only while the archive streams.
  return {
    type: 'stream',
    run: (res) =>
      ctx.engine.containers.withStoppedRootfs(r, async (root) => {
        const { stat: st, stream } = await archivePath(root, a.path, { container: a.id });
        res.writeHead(200, { 'Content-Type': 'application/x-tar', [STAT_HEADER]: encodePathStatHeader(st) });
        await pipe(stream, res);
      }),
  };
}

export async function put(ctx: ApiContext, a: Of<'containerArchivePut'>): Promise<Reply> {
  const r = ctx.engine.containers.find(a.id);
  await withRoot(ctx, r, (root) =>
    extractArchive(root, a.path, a.body, { copyUIDGID: a.copyUIDGID, noOverwriteDirNonDir: a.noOverwriteDirNonDir, container: a.id }),
  );
  return { type: 'empty', status: 200 };
}

function pipe(from: NodeJS.ReadableStream, to: NodeJS.WritableStream): Promise<void> {
  return new Promise((resolve, reject) => {
    from.on('error', reject);
    to.on('error', reject);
    to.on('finish', resolve);
    from.pipe(to);
  });
}

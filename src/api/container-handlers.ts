/** The container endpoints: each a call into the engine, answered in Docker's shapes. */
import { conflict, isBerthError } from '../errors.js';
import { isActive } from '../engine/containers/lifecycle.js';
import { top } from '../engine/containers/top.js';
import { filterContainers } from '../engine/containers/views/container-filters.js';
import { inspectView, summaryView } from '../engine/containers/views/container-views.js';
import type { Action } from './actions.js';
import type { ApiContext } from './context.js';
import { json, type Reply } from './reply.js';

type Of<K extends Action['kind']> = Extract<Action, { kind: K }>;

const noContent: Reply = { type: 'empty', status: 204 };
const notModified: Reply = { type: 'empty', status: 304 };

export async function create(ctx: ApiContext, a: Of<'containerCreate'>): Promise<Reply> {
  const record = await ctx.engine.containers.create(a.request);
  return json({ Id: record.id, Warnings: [] }, 201);
}

export async function list(ctx: ApiContext, a: Of<'containerList'>): Promise<Reply> {
  let records = ctx.engine.containers.list();
  if (!a.all && a.limit <= 0 && !a.filters.has('status') && !a.filters.has('exited')) records = records.filter((r) => isActive(r));
  // Images are resolved only for an ancestor filter, not at every ps.
  const ancestors = new Map<string, string>();
  for (const name of a.filters.get('ancestor') ?? []) {
    const image = await ctx.images.find(name).catch(() => undefined);
    if (image) ancestors.set(name, image.id);
  }
  records = filterContainers(records, a.filters, (name) => ancestors.get(name));
  if (a.limit > 0) records = records.slice(0, a.limit);
  const views = [];
  for (const r of records) views.push(summaryView(r, a.size ? await ctx.engine.containers.size(r) : undefined, ctx.engine.networks.viewOf(r.id)));
  return json(views);
}

export async function inspect(ctx: ApiContext, a: Of<'containerInspect'>): Promise<Reply> {
  const r = ctx.engine.containers.find(a.id);
  const view = inspectView(r, ctx.engine.containers.paths, ctx.engine.execs.idsOf(r.id), ctx.engine.networks.viewOf(r.id));
  if (a.size) {
    const s = await ctx.engine.containers.size(r);
    view['SizeRw'] = s.rw;
    view['SizeRootFs'] = s.rootFs;
  }
  return json(view);
}

export async function start(ctx: ApiContext, a: Of<'containerStart'>): Promise<Reply> {
  const r = ctx.engine.containers.find(a.id);
  if (r.state.status === 'running') return notModified;
  await ctx.engine.lifecycle.start(r);
  return noContent;
}

export async function stop(ctx: ApiContext, a: Of<'containerStop'>): Promise<Reply> {
  const r = ctx.engine.containers.find(a.id);
  const stopped = await ctx.engine.lifecycle.stop(r, options(a));
  return stopped ? noContent : notModified;
}

export async function restart(ctx: ApiContext, a: Of<'containerRestart'>): Promise<Reply> {
  const r = ctx.engine.containers.find(a.id);
  await ctx.engine.lifecycle.stop(r, options(a));
  await ctx.engine.lifecycle.start(r);
  ctx.engine.containers.emit(r, 'restart');
  return noContent;
}

function options(a: { timeoutSec?: number; signal?: string }): { timeoutSec?: number; signal?: string } {
  return { ...(a.timeoutSec !== undefined ? { timeoutSec: a.timeoutSec } : {}), ...(a.signal ? { signal: a.signal } : {}) };
}

export async function kill(ctx: ApiContext, a: Of<'containerKill'>): Promise<Reply> {
  const r = ctx.engine.containers.find(a.id);
  await ctx.engine.lifecycle.kill(r, a.signal);
  return noContent;
}

export async function pause(ctx: ApiContext, a: Of<'containerPause'>): Promise<Reply> {
  await ctx.engine.lifecycle.pause(ctx.engine.containers.find(a.id));
  return noContent;
}

export async function unpause(ctx: ApiContext, a: Of<'containerUnpause'>): Promise<Reply> {
  await ctx.engine.lifecycle.unpause(ctx.engine.containers.find(a.id));
  return noContent;
}

export async function remove(ctx: ApiContext, a: Of<'containerRemove'>): Promise<Reply> {
  const r = ctx.engine.containers.find(a.id);
  await ctx.engine.containers.remove(r, { force: a.force, volumes: a.volumes, kill: (rec) => ctx.engine.lifecycle.killAndWait(rec) });
  ctx.engine.execs.prune(r.id, true);
  ctx.engine.stats.forget(r.id);
  return noContent;
}

export async function rename(ctx: ApiContext, a: Of<'containerRename'>): Promise<Reply> {
  await ctx.engine.containers.rename(a.id, a.name);
  return noContent;
}

/**
 * The docker CLI waits for these headers before it starts the container:
 * they go out at once, the body when the condition is met.
 */
export function wait(ctx: ApiContext, a: Of<'containerWait'>): Reply {
  const r = ctx.engine.containers.find(a.id);
  return {
    type: 'stream',
    run: async (res) => {
      const abort = new AbortController();
      res.on('close', () => abort.abort());
      const result = ctx.engine.containers.waiters.wait(r, a.condition, abort.signal);
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.flushHeaders();
      const body = await result.catch(() => undefined);
      if (body) res.end(`${JSON.stringify(body)}\n`);
    },
  };
}

export async function resize(ctx: ApiContext, a: Of<'containerResize'>): Promise<Reply> {
  const r = ctx.engine.containers.find(a.id);
  if (!isActive(r)) throw conflict('', `Container ${r.id} is not running`);
  // The CLI resizes right after start: a container that already ended is not running, not an outage.
  await ctx.engine.lifecycle.shim(r).resize(a.rows, a.cols).catch((e: unknown) => {
    if (isBerthError(e, 'Unavailable')) throw conflict('', `Container ${r.id} is not running`);
    throw e;
  });
  return { type: 'empty', status: 200 };
}

export async function topProcesses(ctx: ApiContext, a: Of<'containerTop'>): Promise<Reply> {
  const r = ctx.engine.containers.find(a.id);
  if (!isActive(r)) throw conflict('', `Container ${r.id} is not running`);
  const pids = await ctx.engine.containers.pids(r);
  return json(await top(pids, a.psArgs));
}

export async function prune(ctx: ApiContext, a: Of<'containerPrune'>): Promise<Reply> {
  void a;
  const deleted: string[] = [];
  let reclaimed = 0;
  for (const r of ctx.engine.containers.list()) {
    if (r.state.status !== 'exited' && r.state.status !== 'created' && r.state.status !== 'dead') continue;
    const size = await ctx.engine.containers.size(r).catch(() => ({ rw: 0, rootFs: 0 }));
    await ctx.engine.containers.remove(r, { kill: async () => {} });
    deleted.push(r.id);
    reclaimed += size.rw;
  }
  return json({ ContainersDeleted: deleted.length > 0 ? deleted : null, SpaceReclaimed: reclaimed });
}

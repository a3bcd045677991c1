/** `docker volume …`: create, ls, inspect, rm, prune. */
import type { Action } from './actions.js';
import type { ApiContext } from './context.js';
import { json, type Reply } from './reply.js';

type Of<K extends Action['kind']> = Extract<Action, { kind: K }>;

const record = (filters: ReadonlyMap<string, readonly string[]>) => Object.fromEntries(filters);

export async function create(ctx: ApiContext, a: Of<'volumeCreate'>): Promise<Reply> {
  const v = await ctx.engine.volumes.create(a.body as Parameters<typeof ctx.engine.volumes.create>[0]);
  ctx.engine.events.emit('volume', 'create', v.Name, { driver: v.Driver });
  return json(v, 201);
}

export async function list(ctx: ApiContext, a: Of<'volumeList'>): Promise<Reply> {
  return json({ Volumes: await ctx.engine.volumes.list({ filters: record(a.filters) }), Warnings: [] });
}

export async function inspect(ctx: ApiContext, a: Of<'volumeInspect'>): Promise<Reply> {
  return json(await ctx.engine.volumes.inspect(a.name));
}

export async function remove(ctx: ApiContext, a: Of<'volumeRemove'>): Promise<Reply> {
  await ctx.engine.volumes.remove(a.name, { force: a.force });
  ctx.engine.events.emit('volume', 'destroy', a.name);
  return { type: 'empty', status: 204 };
}

export async function prune(ctx: ApiContext, a: Of<'volumePrune'>): Promise<Reply> {
  const r = await ctx.engine.volumes.prune({ filters: record(a.filters) });
  for (const name of r.VolumesDeleted) ctx.engine.events.emit('volume', 'destroy', name);
  return json({ VolumesDeleted: r.VolumesDeleted.length > 0 ? r.VolumesDeleted : null, SpaceReclaimed: r.SpaceReclaimed });
}

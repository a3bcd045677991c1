/** `docker network …`: list, inspect, create, rm, connect, disconnect, prune. */
import { invalidArgument } from '../errors.js';
import type { NetworkInspect } from '../network/index.js';
import type { Action } from './actions.js';
import type { ApiContext } from './context.js';
import { json, type Reply } from './reply.js';

type Of<K extends Action['kind']> = Extract<Action, { kind: K }>;

/** host and none are networks to docker's clients too, with nothing to configure. */
function pseudo(name: 'host' | 'none'): NetworkInspect {
  return {
    Name: name,
    Id: name.padEnd(64, '0'),
    Created: '0001-01-01T00:00:00Z',
    Scope: 'local',
    Driver: (name === 'host' ? 'host' : 'null') as 'bridge',
    EnableIPv4: true,
    EnableIPv6: false,
    IPAM: { Driver: 'default', Options: {}, Config: [] },
    Internal: false,
    Attachable: false,
    Ingress: false,
    ConfigFrom: { Network: '' },
    ConfigOnly: false,
    Containers: {},
    Options: {},
    Labels: {},
  };
}

function all(ctx: ApiContext): NetworkInspect[] {
  return [...ctx.engine.networks.list(), pseudo('host'), pseudo('none')];
}

export function list(ctx: ApiContext, a: Of<'networkList'>): Reply {
  const matches = (n: NetworkInspect) =>
    [...a.filters].every(([name, values]) =>
      values.some((v) => {
        if (name === 'name') return n.Name.includes(v);
        if (name === 'id') return n.Id.startsWith(v);
        if (name === 'driver') return n.Driver === v;
        if (name === 'type') return v === 'custom' ? !['bridge', 'host', 'none'].includes(n.Name) : ['bridge', 'host', 'none'].includes(n.Name);
        if (name === 'label') {
          const eq = v.indexOf('=');
          return eq < 0 ? v in n.Labels : n.Labels[v.slice(0, eq)] === v.slice(eq + 1);
        }
        throw invalidArgument('', `invalid filter '${name}'`);
      }),
    );
  return json(all(ctx).filter(matches));
}

export function inspect(ctx: ApiContext, a: Of<'networkInspect'>): Reply {
  const n = all(ctx).find((x) => x.Name === a.id || x.Id === a.id) ?? ctx.engine.networks.find(a.id);
  return json(n);
}

interface CreateBody {
  Name?: unknown;
  Driver?: unknown;
  Internal?: unknown;
  Labels?: unknown;
  IPAM?: { Config?: Array<{ Subnet?: unknown; Gateway?: unknown; IPRange?: unknown }> };
}

export async function create(ctx: ApiContext, a: Of<'networkCreate'>): Promise<Reply> {
  const b = (a.body ?? {}) as CreateBody;
  if (typeof b.Name !== 'string' || b.Name === '') throw invalidArgument('Name', 'a network needs a name');
  if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(b.Name)) throw invalidArgument('', `invalid network name: ${b.Name}`);
  if (['host', 'none', 'bridge', 'default'].includes(b.Name)) throw invalidArgument('', `${b.Name} is a pre-defined network and cannot be created`);
  if (b.Driver !== undefined && b.Driver !== '' && b.Driver !== 'bridge') throw invalidArgument('', `plugin "${String(b.Driver)}" not found: berth has the bridge driver`);
  const config = b.IPAM?.Config?.[0];
  if (config?.IPRange) throw invalidArgument('', 'IPRange is not supported: addresses come from the whole subnet');
  if ((b.IPAM?.Config?.length ?? 0) > 1) throw invalidArgument('', 'one IPv4 subnet per network');
  const labels = typeof b.Labels === 'object' && b.Labels !== null ? (b.Labels as Record<string, string>) : {};
  const created = await ctx.engine.networks.create({
    name: b.Name,
    ...(typeof config?.Subnet === 'string' && config.Subnet ? { subnet: config.Subnet } : {}),
    ...(typeof config?.Gateway === 'string' && config.Gateway ? { gateway: config.Gateway } : {}),
    internal: b.Internal === true,
    labels,
  });
  ctx.engine.events.emit('network', 'create', created.Id, { name: b.Name, type: 'bridge' });
  return json(created, 201);
}

export async function remove(ctx: ApiContext, a: Of<'networkRemove'>): Promise<Reply> {
  const n = ctx.engine.networks.find(a.id);
  await ctx.engine.networks.remove(a.id);
  ctx.engine.events.emit('network', 'destroy', n.Id, { name: n.Name, type: 'bridge' });
  return { type: 'empty', status: 204 };
}

interface ConnectBody {
  Container?: unknown;
  Force?: unknown;
  EndpointConfig?: { Aliases?: string[]; IPAMConfig?: { IPv4Address?: string } };
}

export async function connect(ctx: ApiContext, a: Of<'networkConnect'>): Promise<Reply> {
  const b = (a.body ?? {}) as ConnectBody;
  if (typeof b.Container !== 'string') throw invalidArgument('Container', 'name the container to connect');
  const record = ctx.engine.containers.find(b.Container);
  await ctx.engine.connectNetwork(record, a.id, b.EndpointConfig ?? {});
  return { type: 'empty', status: 200 };
}

export async function disconnect(ctx: ApiContext, a: Of<'networkDisconnect'>): Promise<Reply> {
  const b = (a.body ?? {}) as ConnectBody;
  if (typeof b.Container !== 'string') throw invalidArgument('Container', 'name the container to disconnect');
  const record = ctx.engine.containers.find(b.Container);
  await ctx.engine.disconnectNetwork(record, a.id);
  return { type: 'empty', status: 200 };
}

export async function prune(ctx: ApiContext, a: Of<'networkPrune'>): Promise<Reply> {
  void a;
  const deleted: string[] = [];
  for (const n of ctx.engine.networks.list()) {
    if (n.Name === 'bridge' || Object.keys(n.Containers).length > 0) continue;
    if (ctx.engine.networks.usedBy(n.Name, ctx.engine.containers.list()).length > 0) continue;
    await ctx.engine.networks.remove(n.Id);
    deleted.push(n.Name);
  }
  return json({ NetworksDeleted: deleted.length > 0 ? deleted : null });
}

/**
 * Creating and removing a network: its record, its bridge, and the shared
 * host settings (rules, ip_forward) that follow from the set of networks.
 */
import { randomBytes } from 'node:crypto';

import { alreadyExists, conflict, invalidArgument } from '../errors.js';
import { bridgeExists, createBridge, removeBridge } from './bridge-link.js';
import { commit, findNetwork, type DriverContext } from './driver-context.js';
import { blockerWarning, findForwardBlockers } from './forward-blockers.js';
import { readHostRoutes } from './host-routes.js';
import { syncForwarding, syncRules } from './host-sync.js';
import { formatCidr, formatIPv4, macFromIPv4, parseCidr } from './ipv4.js';
import { planSubnet } from './subnet.js';
import type { NetworkRecord } from './state.js';
import type { CreateNetworkOptions, NetworkCreated } from './types.js';

const NETWORK_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;
// IFNAMSIZ is 16 with the NUL; no '/', ':' or blanks in interface names.
const BRIDGE_NAME = /^[a-zA-Z0-9][a-zA-Z0-9_.-]{0,14}$/;

export async function createNetwork(ctx: DriverContext, opts: CreateNetworkOptions): Promise<NetworkCreated> {
  if (!NETWORK_NAME.test(opts.name)) {
    throw invalidArgument(`network name "${opts.name}"`, 'only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed');
  }
  const before = ctx.state;
  if (before.networks.some((n) => n.name === opts.name)) throw alreadyExists(`network "${opts.name}"`);
  const id = randomBytes(32).toString('hex');
  const bridge = opts.bridge ?? `br-${id.slice(0, 12)}`;
  if (!BRIDGE_NAME.test(bridge)) {
    throw invalidArgument(`bridge name "${bridge}"`, 'at most 15 characters of [a-zA-Z0-9_.-]');
  }
  const mine = before.networks.find((n) => n.bridge === bridge);
  if (mine) throw conflict(`bridge "${bridge}"`, `already used by network "${mine.name}"`);
  if (await bridgeExists(bridge)) throw conflict(`bridge "${bridge}"`, 'a device of that name already exists on the host');
  const used = before.networks.map((n) => ({ network: n.name, subnet: parseCidr(n.subnet) }));
  const plan = planSubnet({ subnet: opts.subnet, gateway: opts.gateway }, used, await readHostRoutes());
  const record: NetworkRecord = {
    id,
    name: opts.name,
    bridge,
    subnet: formatCidr(plan.subnet),
    gateway: formatIPv4(plan.gateway),
    internal: opts.internal ?? false,
    created: new Date().toISOString(),
    labels: { ...opts.labels },
    endpoints: {},
  };
  await commit(ctx, { ...before, networks: [...before.networks, record] });
  try {
    await createBridge(ctx.run, {
      bridge,
      gateway: record.gateway,
      prefixLen: plan.subnet.prefixLen,
      mac: macFromIPv4(plan.gateway),
    });
    await syncForwarding(ctx);
    await syncRules(ctx);
  } catch (e) {
    await undoCreate(ctx, record);
    throw e;
  }
  // Advice only: a host whose firewall cannot be read still gets its network.
  const blockers = record.internal ? [] : await findForwardBlockers(ctx.run, ctx.table).catch(() => []);
  const warning = blockerWarning(blockers, bridge);
  return { id, name: record.name, warnings: warning ? [warning] : [] };
}

async function undoCreate(ctx: DriverContext, record: NetworkRecord): Promise<void> {
  await removeBridge(ctx.run, record.bridge).catch(() => undefined);
  await commit(ctx, { ...ctx.state, networks: ctx.state.networks.filter((n) => n.id !== record.id) });
  await syncRules(ctx).catch(() => undefined);
  await syncForwarding(ctx).catch(() => undefined);
}

/**
 * The record goes last: until it is committed, a crash leaves a network that
 * reconcile rebuilds, never a bridge nobody knows about.
 */
export async function removeNetwork(ctx: DriverContext, nameOrId: string): Promise<void> {
  const net = findNetwork(ctx.state, nameOrId);
  const attached = Object.keys(net.endpoints);
  if (attached.length > 0) {
    const ids = attached.map((c) => c.slice(0, 12)).join(', ');
    throw conflict(`network "${net.name}"`, `has active endpoints (containers ${ids})`);
  }
  const next = { ...ctx.state, networks: ctx.state.networks.filter((n) => n.id !== net.id) };
  await syncRules(ctx, next);
  await removeBridge(ctx.run, net.bridge);
  await commit(ctx, next);
  await syncForwarding(ctx);
}

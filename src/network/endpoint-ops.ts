/**
 * Attaching a container to a network and detaching it: the address
 * (allocated and committed first, so a crash cannot leak it past
 * reconcile), then the veth pair.
 */
import { createHash, randomBytes } from 'node:crypto';
import { access } from 'node:fs/promises';

import { conflict, errnoCode, notFound } from '../errors.js';
import { bridgeIndex } from './bridge-link.js';
import { commit, findNetwork, withNetwork, type DriverContext } from './driver-context.js';
import { syncRules } from './host-sync.js';
import { allocateAddress } from './ipam.js';
import { formatIPv4, macFromIPv4, parseCidr, parseIPv4 } from './ipv4.js';
import type { EndpointRecord, NetworkRecord } from './state.js';
import type { Attachment, EndpointSpec } from './types.js';
import { createVeth, deleteVeth } from './veth.js';

/** Stable per (network, container), so a name found on a bridge after a crash says whose it was. 15 characters. */
export function hostVethName(networkId: string, containerId: string): string {
  return `veth${createHash('sha256').update(`${networkId}/${containerId}`).digest('hex').slice(0, 11)}`;
}

function endpointsOf(networks: NetworkRecord[], containerId: string): Array<[NetworkRecord, EndpointRecord]> {
  return networks.flatMap((n) => {
    const e = n.endpoints[containerId];
    return e ? [[n, e] as [NetworkRecord, EndpointRecord]] : [];
  });
}

export async function attach(ctx: DriverContext, spec: EndpointSpec, network: string): Promise<Attachment> {
  const net = findNetwork(ctx.state, network);
  const id = spec.containerId;
  if (net.endpoints[id]) throw conflict(`container ${id.slice(0, 12)}`, `already attached to network "${net.name}"`);
  try {
    await access(spec.netnsPath);
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') throw notFound(`network namespace "${spec.netnsPath}"`);
    throw e;
  }
  const subnet = parseCidr(net.subnet);
  const gateway = parseIPv4(net.gateway) ?? 0;
  const taken = new Set(Object.values(net.endpoints).map((e) => parseIPv4(e.ip) ?? 0));
  const ip = allocateAddress({ network: net.name, subnet, gateway, taken }, spec.ip);
  const others = endpointsOf(ctx.state.networks, id);
  const used = new Set(others.map(([, e]) => e.ifname));
  let n = 0;
  while (used.has(`eth${n}`)) n++;
  const record: EndpointRecord = {
    endpointId: randomBytes(32).toString('hex'),
    containerId: id,
    ...(spec.name !== undefined ? { name: spec.name } : {}),
    ip: formatIPv4(ip),
    ...(spec.ip !== undefined ? { requestedIp: spec.ip } : {}),
    mac: macFromIPv4(ip),
    ifname: `eth${n}`,
    hostVeth: hostVethName(net.id, id),
    netnsPath: spec.netnsPath,
    aliases: [...(spec.aliases ?? [])],
  };
  // The first network with a way out gives the container its default route.
  const routed = !net.internal && !others.some(([o]) => !o.internal);
  await commit(ctx, withNetwork(ctx.state, net.id, (x) => ({ ...x, endpoints: { ...x.endpoints, [id]: record } })));
  try {
    await createVeth(ctx.run, {
      netnsPath: spec.netnsPath,
      hostNetns: ctx.hostNetns,
      hostVeth: record.hostVeth,
      bridgeIndex: await bridgeIndex(net.bridge),
      ifname: record.ifname,
      mac: record.mac,
      ip: record.ip,
      prefixLen: subnet.prefixLen,
      defaultGateway: routed ? net.gateway : undefined,
    });
  } catch (e) {
    await commit(ctx, withNetwork(ctx.state, net.id, (x) => ({ ...x, endpoints: without(x.endpoints, id) })));
    throw e;
  }
  return {
    networkId: net.id,
    endpointId: record.endpointId,
    ip: record.ip,
    prefixLen: subnet.prefixLen,
    gateway: net.gateway,
    mac: record.mac,
    ifname: record.ifname,
    hostVeth: record.hostVeth,
  };
}

/** Frees the address and drops the container's ports published on it. The veth goes after the commit: one left by a crash is swept by reconcile. */
export async function detach(ctx: DriverContext, containerId: string, network: string): Promise<void> {
  const net = findNetwork(ctx.state, network);
  const ep = net.endpoints[containerId];
  if (!ep) throw notFound(`container ${containerId.slice(0, 12)}`, `not attached to network "${net.name}"`);
  const next = withNetwork(ctx.state, net.id, (x) => ({ ...x, endpoints: without(x.endpoints, containerId) }));
  const ports = next.ports.filter((p) => !(p.containerId === containerId && p.containerIp === ep.ip));
  const portsChanged = ports.length !== next.ports.length;
  await commit(ctx, { ...next, ports });
  // Each of the two waits out an RCU grace period in the kernel (netdev
  // unregister, nftables commit), ~16 ms here; they do not depend on each
  // other, so the waits overlap.
  const results = await Promise.allSettled([
    deleteVeth(ctx.run, ep.hostVeth),
    portsChanged ? syncRules(ctx) : Promise.resolve(),
  ]);
  const failed = results.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (failed) throw failed.reason;
}

function without<T>(record: Record<string, T>, key: string): Record<string, T> {
  return Object.fromEntries(Object.entries(record).filter(([k]) => k !== key));
}

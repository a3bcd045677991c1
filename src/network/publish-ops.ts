/**
 * Publishing a container's ports: host ports chosen and checked against the
 * other publications and the host's own sockets, then the whole table
 * applied in one transaction. Either every port is published or none is.
 */
import { failedPrecondition } from '../errors.js';
import { commit, type DriverContext } from './driver-context.js';
import { syncRules } from './host-sync.js';
import { readHostSockets } from './listening-sockets.js';
import { assignHostPorts, type PortTarget } from './port-allocation.js';
import type { PublishedPort } from './state.js';
import type { PublishTarget } from './types.js';

export async function publish(ctx: DriverContext, containerId: string, ports: PublishTarget[]): Promise<PublishedPort[]> {
  const short = containerId.slice(0, 12);
  // Addresses on networks with a way out, in network order.
  const reachable = ctx.state.networks
    .filter((n) => !n.internal)
    .flatMap((n) => (n.endpoints[containerId] ? [n.endpoints[containerId].ip] : []));
  const targets: PortTarget[] = ports.map((p) => {
    const ip = p.containerIp ?? reachable[0];
    if (ip === undefined) {
      throw failedPrecondition(`container ${short}`, 'is not attached to a network that can publish ports');
    }
    if (!reachable.includes(ip)) {
      throw failedPrecondition(`container ${short}`, `has no address ${ip} on a network that can publish ports`);
    }
    return { ...p, containerIp: ip };
  });
  const before = ctx.state;
  const others = before.ports.filter((p) => p.containerId !== containerId);
  const assigned = assignHostPorts(containerId, targets, {
    published: others,
    hostSockets: await readHostSockets(),
    ephemeral: ctx.ephemeral,
    start: ctx.nextPort,
  });
  await commit(ctx, { ...before, ports: [...others, ...assigned] });
  try {
    await syncRules(ctx);
  } catch (e) {
    await commit(ctx, { ...ctx.state, ports: before.ports });
    throw e;
  }
  const last = assigned.filter((p, i) => (ports[i]?.hostPort ?? 0) === 0).at(-1);
  if (last) ctx.nextPort = last.hostPort + 1;
  return assigned;
}

export async function unpublish(ctx: DriverContext, containerId: string): Promise<void> {
  const ports = ctx.state.ports.filter((p) => p.containerId !== containerId);
  if (ports.length === ctx.state.ports.length) return;
  await commit(ctx, { ...ctx.state, ports });
  await syncRules(ctx);
}

/**
 * After a daemon restart or crash: the state on disk is the truth, the live
 * containers say which endpoints are still held. Frees the rest, rebuilds
 * what a reboot took (bridges), puts back on its bridge a live container's
 * veth that lost it (the bridge was deleted under us), removes what a crash
 * left (veths on our bridges that no endpoint names), and applies rules and
 * ip_forward anew.
 */
import { access } from 'node:fs/promises';

import { bridgeExists, bridgePorts, createBridge } from './bridge-link.js';
import { commit, type DriverContext } from './driver-context.js';
import { syncForwarding, syncRules } from './host-sync.js';
import { macFromIPv4, parseIPv4 } from './ipv4.js';
import type { NetworkRecord } from './state.js';
import type { ReconcileReport } from './types.js';
import { deleteVeth, enslaveVeth } from './veth.js';

/** The driver's own host veth names (see hostVethName); a VM's tap may sit on the same bridge and is left alone. */
const VETH = /^veth[0-9a-f]{11}$/;

export async function reconcile(ctx: DriverContext, liveContainerIds: Iterable<string>): Promise<ReconcileReport> {
  const live = new Set(liveContainerIds);
  const report: ReconcileReport = { released: [], unpublished: 0, recreatedBridges: [] };
  const dead: string[] = [];
  const networks: NetworkRecord[] = ctx.state.networks.map((n) => {
    for (const e of Object.values(n.endpoints)) {
      if (live.has(e.containerId)) continue;
      report.released.push({ network: n.name, containerId: e.containerId, ip: e.ip });
      dead.push(e.hostVeth);
    }
    return { ...n, endpoints: Object.fromEntries(Object.entries(n.endpoints).filter(([id]) => live.has(id))) };
  });
  const held = new Set(networks.flatMap((n) => Object.values(n.endpoints).map((e) => `${e.containerId}/${e.ip}`)));
  const ports = ctx.state.ports.filter((p) => held.has(`${p.containerId}/${p.containerIp}`));
  report.unpublished = ctx.state.ports.length - ports.length;
  await commit(ctx, { ...ctx.state, networks, ports });

  for (const veth of dead) await deleteVeth(ctx.run, veth);
  for (const n of networks) {
    if (!(await bridgeExists(n.bridge))) {
      const prefixLen = Number(n.subnet.split('/')[1]);
      const mac = macFromIPv4(parseIPv4(n.gateway) ?? 0);
      await createBridge(ctx.run, { bridge: n.bridge, gateway: n.gateway, prefixLen, mac });
      report.recreatedBridges.push(n.bridge);
    }
    const wanted = new Set(Object.values(n.endpoints).map((e) => e.hostVeth));
    const ports = await bridgePorts(n.bridge);
    for (const port of ports) {
      if (VETH.test(port) && !wanted.has(port)) await deleteVeth(ctx.run, port);
    }
    for (const veth of wanted) {
      if (!ports.includes(veth) && (await exists(`/sys/class/net/${veth}`))) await enslaveVeth(ctx.run, veth, n.bridge);
    }
  }
  await syncForwarding(ctx);
  await syncRules(ctx);
  return report;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

import { readFileSync } from 'node:fs';

import type { BridgeDriver, NetworkInspect } from '../../network/index.js';
import { EmbeddedDns, readHostResolvers } from '../../network/dns/index.js';
import type { ContainerRecord } from '../containers/container.js';

/**
 * One embedded DNS server per user-defined network, on its gateway's
 * address, port 53: container names, aliases and hostnames on that network
 * resolve; other names go to the host's resolvers.
 */
export class DnsServers {
  private readonly servers = new Map<string, EmbeddedDns>();

  constructor(
    private readonly driver: BridgeDriver,
    private readonly log: (line: string) => void,
  ) {}

  async serve(n: NetworkInspect): Promise<void> {
    const gateway = n.IPAM.Config[0]?.Gateway;
    if (!gateway || this.servers.has(n.Id)) return;
    const upstreams = readHostResolvers(safeRead('/etc/resolv.conf'));
    const server = new EmbeddedDns({ address: gateway, port: 53, upstreams });
    try {
      await server.start();
      this.servers.set(n.Id, server);
    } catch (e) {
      this.log(`network ${n.Name}: no DNS server on ${gateway}:53: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /**
   * The records of every network, from the containers that run now. A
   * container's resolv.conf names the server of its first network only, so
   * that server also answers for containers on the other user-defined
   * networks (with their address there): a container connected to a second
   * network later finds its peers by name, as with Docker's single
   * resolver. Reaching them is still up to the rules between bridges.
   */
  refresh(containers: ContainerRecord[]): void {
    const names = new Map(this.driver.list().map((n) => [n.Id, n.Name]));
    const userNetworks = [...this.servers.keys()].map((id) => names.get(id) ?? id);
    const endpointsOf = new Map(containers.map((r) => [r.id, this.driver.containerEndpoints(r.id)]));
    for (const [networkId, server] of this.servers) {
      const own = names.get(networkId) ?? networkId;
      const records = [];
      for (const r of containers) {
        const endpoints = endpointsOf.get(r.id) ?? {};
        const name = endpoints[own] ? own : userNetworks.find((n) => endpoints[n]);
        const endpoint = name ? endpoints[name] : undefined;
        if (!endpoint?.IPAddress) continue;
        const names = [r.name, ...(endpoint.Aliases ?? []), ...(r.config.Hostname ? [r.config.Hostname] : [])];
        records.push({ names: [...new Set(names)], ipv4: endpoint.IPAddress });
      }
      try {
        server.setRecords(records);
      } catch (e) {
        this.log(`network ${networkId}: DNS records: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }

  async stop(networkId: string): Promise<void> {
    await this.servers.get(networkId)?.close();
    this.servers.delete(networkId);
  }

  async closeAll(): Promise<void> {
    for (const id of [...this.servers.keys()]) await this.stop(id);
  }
}

function safeRead(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/**
 * Networks for berthd's containers: the default bridge and user-defined
 * ones (src/network's BridgeDriver), a namespace file per container, port
 * publishing, and an embedded DNS server per user-defined network that
 * answers container names and aliases.
 */
import { existsSync } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';

import { conflict, notFound } from '../../errors.js';
import { BridgeDriver, createNetns, fromPortBindings, removeNetns, type Attachment, type NetworkInspect, type PublishTarget } from '../../network/index.js';
import { containerDnsConfig } from '../../network/dns/index.js';
import type { ContainerRecord } from '../containers/container.js';
import type { NetworkView } from '../containers/views/container-views.js';
import { DnsServers } from './dns-servers.js';
import { DEFAULT_NETWORK, planNetworks, type NetworkPlan } from './network-plan.js';

export interface NetworkServiceOptions {
  root: string;
  execRoot: string;
  /** the default bridge's device name */
  bridge: string;
  /** our nftables table (inet) */
  table: string;
  log: (line: string) => void;
}

/** What a started container's namespace and /etc files need. */
export interface Joined {
  netnsPath?: string;
  /** the address of its first network, for /etc/hosts */
  ip?: string;
  /** resolv.conf for a user-defined network (its DNS server); undefined: the host's */
  resolvConf?: string;
}

export class NetworkService {
  private constructor(
    readonly driver: BridgeDriver,
    private readonly options: NetworkServiceOptions,
    private readonly dns: DnsServers,
  ) {}

  static async open(options: NetworkServiceOptions): Promise<NetworkService> {
    const driver = await BridgeDriver.open({ stateDir: path.join(options.root, 'network'), table: options.table });
    return new NetworkService(driver, options, new DnsServers(driver, options.log));
  }

  /** After a (re)start: frees what dead containers held, makes sure the default bridge exists, serves DNS. */
  async start(live: ContainerRecord[]): Promise<void> {
    await this.driver.reconcile(live.map((r) => r.id));
    // Namespace files of containers that are gone (a crash between their exit and its cleanup).
    const dir = path.join(this.options.execRoot, 'netns');
    const keep = new Set(live.map((r) => r.id.slice(0, 12)));
    for (const name of await readdir(dir).catch(() => [])) if (!keep.has(name)) await removeNetns(path.join(dir, name)).catch(() => {});
    if (!this.driver.list().some((n) => n.Name === DEFAULT_NETWORK)) {
      const created = await this.driver.createNetwork({ name: DEFAULT_NETWORK, bridge: this.options.bridge });
      for (const w of created.warnings) this.options.log(`network bridge: ${w}`);
    }
    for (const n of this.driver.list()) if (n.Name !== DEFAULT_NETWORK) await this.dns.serve(n);
    this.dns.refresh(live);
  }

  plan(record: ContainerRecord): NetworkPlan {
    return planNetworks(record.hostConfig, record.networkingConfig);
  }

  /** Checked at create: the networks named exist. */
  check(record: ContainerRecord): void {
    const plan = this.plan(record);
    if (plan.kind === 'bridge') for (const e of plan.endpoints) this.find(e.network);
  }

  find(nameOrId: string): NetworkInspect {
    const n = this.driver.list().find((x) => x.Name === nameOrId || x.Id === nameOrId) ?? this.driver.list().filter((x) => x.Id.startsWith(nameOrId))[0];
    if (!n) throw notFound('', `network ${nameOrId} not found`);
    return n;
  }

  netnsPath(id: string): string {
    return path.join(this.options.execRoot, 'netns', id.slice(0, 12));
  }

  /** At start, before the runtime: the namespace, its endpoints, its published ports. */
  async join(record: ContainerRecord, all: ContainerRecord[]): Promise<Joined> {
    const plan = this.plan(record);
    if (plan.kind !== 'bridge') return {};
    const netnsPath = this.netnsPath(record.id);
    // A file left by a crash would make the namespace's creation fail; a fresh container has none (and no umount to pay).
    if (existsSync(netnsPath)) await removeNetns(netnsPath).catch(() => {});
    await createNetns(netnsPath);
    try {
      const attached: Attachment[] = [];
      for (const e of plan.endpoints) {
        const net = this.find(e.network);
        attached.push(
          await this.driver.attach(
            { containerId: record.id, netnsPath, name: record.name, aliases: e.aliases, ...(e.ip ? { ip: e.ip } : {}) },
            net.Id,
          ),
        );
      }
      // Every change of the rules is a kernel transaction (~18 ms here): none for a container without ports.
      const ports = this.portsOf(record);
      if (ports.length > 0) await this.driver.publish(record.id, ports);
      const first = plan.endpoints[0];
      const userNet = first && first.network !== DEFAULT_NETWORK ? this.find(first.network) : undefined;
      this.dns.refresh(all);
      const joined: Joined = { netnsPath, ...(attached[0] ? { ip: attached[0].ip } : {}) };
      if (userNet && attached[0]) joined.resolvConf = await this.resolvConf(record, attached[0].gateway);
      return joined;
    } catch (e) {
      await this.leave(record, all).catch(() => {});
      throw e;
    }
  }

  /** `network connect` of a running container: one more endpoint in its namespace. */
  async attachRunning(record: ContainerRecord, network: string, endpoint: { aliases: string[]; ip?: string }, all: ContainerRecord[]): Promise<void> {
    const net = this.find(network);
    await this.driver.attach(
      { containerId: record.id, netnsPath: this.netnsPath(record.id), name: record.name, aliases: endpoint.aliases, ...(endpoint.ip ? { ip: endpoint.ip } : {}) },
      net.Id,
    );
    this.dns.refresh(all);
  }

  async detachRunning(record: ContainerRecord, network: string, all: ContainerRecord[]): Promise<void> {
    await this.driver.detach(record.id, this.find(network).Id);
    this.dns.refresh(all);
  }

  /** Containers (running or not) that name this network. */
  usedBy(network: string, containers: ContainerRecord[]): ContainerRecord[] {
    return containers.filter((r) => {
      const plan = this.plan(r);
      return plan.kind === 'bridge' && plan.endpoints.some((e) => e.network === network);
    });
  }

  /** At exit: ports, endpoints, namespace. */
  async leave(record: ContainerRecord, all: ContainerRecord[]): Promise<void> {
    if (this.plan(record).kind !== 'bridge') return;
    if (Object.keys(this.driver.containerPorts(record.id)).length > 0) await this.driver.unpublish(record.id);
    for (const net of Object.keys(this.driver.containerEndpoints(record.id))) await this.driver.detach(record.id, net);
    await removeNetns(this.netnsPath(record.id));
    this.dns.refresh(all.filter((r) => r.id !== record.id));
  }

  /** `-p` and `-P`: the bindings asked for, plus every exposed port on a free host port with -P. */
  private portsOf(record: ContainerRecord): PublishTarget[] {
    const bindings = { ...(record.hostConfig.PortBindings ?? {}) };
    if (record.hostConfig.PublishAllPorts) {
      for (const port of Object.keys(record.config.ExposedPorts ?? {})) bindings[port] ??= [{ HostIp: '', HostPort: '' }];
    }
    return fromPortBindings(bindings as Parameters<typeof fromPortBindings>[0]);
  }

  private async resolvConf(record: ContainerRecord, gateway: string): Promise<string> {
    const host = await readFile('/etc/resolv.conf', 'utf8').catch(() => '');
    return containerDnsConfig({
      gateway,
      hostResolvConf: host,
      dns: record.hostConfig.Dns ?? [],
      dnsSearch: record.hostConfig.DnsSearch ?? [],
      dnsOptions: record.hostConfig.DnsOptions ?? [],
    }).resolvConf;
  }

  async create(options: { name: string; subnet?: string; gateway?: string; internal?: boolean; labels?: Record<string, string> }): Promise<{ Id: string; Warning: string }> {
    if (this.driver.list().some((n) => n.Name === options.name)) throw conflict('', `network with name ${options.name} already exists`);
    const created = await this.driver.createNetwork(options);
    await this.dns.serve(this.find(created.id));
    return { Id: created.id, Warning: created.warnings.join('; ') };
  }

  async remove(nameOrId: string): Promise<void> {
    const n = this.find(nameOrId);
    if (n.Name === DEFAULT_NETWORK) throw conflict('', `bridge is a pre-defined network and cannot be removed`);
    if (Object.keys(n.Containers).length > 0) {
      throw conflict('', `error while removing network: network ${n.Name} id ${n.Id} has active endpoints`);
    }
    await this.dns.stop(n.Id);
    await this.driver.removeNetwork(n.Id);
  }

  /** A container's endpoints and published ports, for inspect and ps. */
  viewOf(containerId: string): NetworkView {
    return { endpoints: this.driver.containerEndpoints(containerId) as unknown as NetworkView['endpoints'], ports: this.driver.containerPorts(containerId) };
  }

  /** The pseudo-networks docker lists too. */
  list(): NetworkInspect[] {
    return this.driver.list();
  }

  async close(): Promise<void> {
    await this.dns.closeAll();
  }

  /** At shutdown with nothing running: the default bridge (made again at the next start). */
  async removeIdleDefault(): Promise<void> {
    const n = this.driver.list().find((x) => x.Name === DEFAULT_NETWORK);
    if (n && Object.keys(n.Containers).length === 0) await this.driver.removeNetwork(n.Id);
  }
}

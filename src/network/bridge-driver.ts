/**
 * The bridge driver: Docker's default network model without a proxy
 * process. Each network is a Linux bridge with a subnet; each container gets
 * a veth pair into its own network namespace; masquerade, isolation and port
 * publishing live in one nftables table of our own.
 *
 *   const driver = await BridgeDriver.open({ stateDir: '/var/lib/berth/network' });
 *   await driver.reconcile(liveContainerIds);      // once, at daemon start
 *   await driver.createNetwork({ name: 'bridge', bridge: 'berth0' });
 *
 * Operations run one at a time; the state on disk is written before the
 * kernel is changed (see driver-context.ts).
 */
import { readFile } from 'node:fs/promises';

import { invalidArgument } from '../errors.js';
import { describeEndpoint, describeNetwork, describePorts, type EndpointInspect, type NetworkInspect, type PortMapInspect } from './describe.js';
import { findNetwork, type DriverContext } from './driver-context.js';
import { attach, detach } from './endpoint-ops.js';
import { runCommand, type CommandRunner } from './exec.js';
import { ForwardingSysctls } from './ip-forward.js';
import { createNetwork, removeNetwork } from './network-ops.js';
import { parsePortRange } from './port-allocation.js';
import { publish, unpublish } from './publish-ops.js';
import { reconcile } from './reconcile.js';
import { Serializer } from './serializer.js';
import { StateFile, type PublishedPort } from './state.js';
import type {
  Attachment,
  CreateNetworkOptions,
  EndpointSpec,
  NetworkCreated,
  NetworkDriver,
  PublishTarget,
  ReconcileReport,
} from './types.js';

export interface BridgeDriverOptions {
  /** Where the driver keeps its state (e.g. /var/lib/berth/network). */
  stateDir: string;
  /** The nftables table (family inet); default "berth". Tests use their own. */
  table?: string;
  run?: CommandRunner;
}

const TABLE_NAME = /^[a-zA-Z][a-zA-Z0-9_-]{0,31}$/;

export class BridgeDriver implements NetworkDriver {
  private readonly serial = new Serializer();

  private constructor(private readonly ctx: DriverContext) {}

  static async open(opts: BridgeDriverOptions): Promise<BridgeDriver> {
    const table = opts.table ?? 'berth';
    if (!TABLE_NAME.test(table)) throw invalidArgument(`nftables table "${table}"`, 'letters, digits, _ and - only');
    const store = new StateFile(opts.stateDir);
    const range = await readFile('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').catch(() => undefined);
    const ephemeral = parsePortRange(range);
    return new BridgeDriver({
      run: opts.run ?? runCommand,
      store,
      table,
      sysctls: new ForwardingSysctls(),
      hostNetns: `/proc/${process.pid}/ns/net`,
      ephemeral,
      state: await store.load(),
      nextPort: ephemeral.low + Math.floor(Math.random() * (ephemeral.high - ephemeral.low + 1)),
    });
  }

  createNetwork(opts: CreateNetworkOptions): Promise<NetworkCreated> {
    return this.serial.run(() => createNetwork(this.ctx, opts));
  }

  removeNetwork(nameOrId: string): Promise<void> {
    return this.serial.run(() => removeNetwork(this.ctx, nameOrId));
  }

  attach(endpoint: EndpointSpec, network: string): Promise<Attachment> {
    return this.serial.run(() => attach(this.ctx, endpoint, network));
  }

  detach(containerId: string, network: string): Promise<void> {
    return this.serial.run(() => detach(this.ctx, containerId, network));
  }

  publish(containerId: string, ports: PublishTarget[]): Promise<PublishedPort[]> {
    return this.serial.run(() => publish(this.ctx, containerId, ports));
  }

  unpublish(containerId: string): Promise<void> {
    return this.serial.run(() => unpublish(this.ctx, containerId));
  }

  reconcile(liveContainerIds: Iterable<string>): Promise<ReconcileReport> {
    const ids = [...liveContainerIds];
    return this.serial.run(() => reconcile(this.ctx, ids));
  }

  inspect(nameOrId: string): NetworkInspect {
    return describeNetwork(findNetwork(this.ctx.state, nameOrId));
  }

  list(): NetworkInspect[] {
    return this.ctx.state.networks.map(describeNetwork);
  }

  containerEndpoints(containerId: string): Record<string, EndpointInspect> {
    const out: Record<string, EndpointInspect> = {};
    for (const n of this.ctx.state.networks) {
      const e = n.endpoints[containerId];
      if (e) out[n.name] = describeEndpoint(n, e);
    }
    return out;
  }

  containerPorts(containerId: string): PortMapInspect {
    return describePorts(this.ctx.state.ports.filter((p) => p.containerId === containerId));
  }

  /** The published ports of every container, for listing and tests. */
  publishedPorts(): PublishedPort[] {
    return this.ctx.state.ports.map((p) => ({ ...p }));
  }
}

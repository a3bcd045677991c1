/**
 * The network driver as the engine sees it. A container's life on a network:
 *
 *   await createNetns(nsPath)                        // before the container
 *   const a = await driver.attach({ containerId, netnsPath: nsPath }, 'bridge')
 *   await driver.publish(containerId, parsePortSpec('8080:80'))
 *   ...create the container with linux.namespaces: [{ type: 'network', path: nsPath }]...
 *   ...container stops...
 *   await driver.detach(containerId, 'bridge')       // also drops its published ports there
 *   await removeNetns(nsPath)
 *
 * After a daemon restart or crash, `reconcile(liveContainerIds)` frees what
 * no live container holds and puts bridges, rules and ip_forward back in
 * line with the state on disk.
 */
import type { NetworkInspect, EndpointInspect, PortMapInspect } from './describe.js';
import type { PortRequest } from './port-spec.js';
import type { PublishedPort } from './state.js';

export interface CreateNetworkOptions {
  name: string;
  /** Linux bridge name (at most 15 characters); default br-<first 12 of the id>. */
  bridge?: string;
  /** CIDR; default the first free private range (Docker's pools). */
  subnet?: string;
  /** Default: the first address of the subnet. */
  gateway?: string;
  /** No way out: no masquerade, no default route, no published ports. */
  internal?: boolean;
  labels?: Record<string, string>;
}

export interface NetworkCreated {
  id: string;
  name: string;
  /** For the user, as Docker's `Warning` (e.g. a firewall that drops forwarded traffic). */
  warnings: string[];
}

export interface EndpointSpec {
  containerId: string;
  /** The file the container's network namespace is mounted on (createNetns). */
  netnsPath: string;
  /** The container's name, shown by inspect. */
  name?: string;
  aliases?: string[];
  /** A fixed address (docker run --ip); default the lowest free one. */
  ip?: string;
}

export interface Attachment {
  networkId: string;
  endpointId: string;
  ip: string;
  prefixLen: number;
  gateway: string;
  mac: string;
  /** The interface inside the container: eth0, eth1 for a second network, ... */
  ifname: string;
  hostVeth: string;
}

export interface PublishTarget extends PortRequest {
  /** The container address to forward to; default its address on its first non-internal network. */
  containerIp?: string;
}

export interface ReconcileReport {
  /** Endpoints freed because their container is gone. */
  released: Array<{ network: string; containerId: string; ip: string }>;
  /** Published ports dropped for the same reason. */
  unpublished: number;
  /** Bridges that were missing (after a reboot) and were created again. */
  recreatedBridges: string[];
}

export interface NetworkDriver {
  createNetwork(opts: CreateNetworkOptions): Promise<NetworkCreated>;
  /** Refuses while endpoints are attached. Removing the last network deletes the table and restores ip_forward. */
  removeNetwork(nameOrId: string): Promise<void>;
  attach(endpoint: EndpointSpec, network: string): Promise<Attachment>;
  detach(containerId: string, network: string): Promise<void>;
  /** Replaces the container's published ports with these, all or nothing. */
  publish(containerId: string, ports: PublishTarget[]): Promise<PublishedPort[]>;
  unpublish(containerId: string): Promise<void>;
  reconcile(liveContainerIds: Iterable<string>): Promise<ReconcileReport>;
  inspect(nameOrId: string): NetworkInspect;
  list(): NetworkInspect[];
  /** Docker's NetworkSettings.Networks of one container. */
  containerEndpoints(containerId: string): Record<string, EndpointInspect>;
  /** Docker's NetworkSettings.Ports of one container. */
  containerPorts(containerId: string): PortMapInspect;
}

import { conflict } from '../../errors.js';
import type { ContainerRecord } from '../containers/container.js';
import type { ContainerService } from '../containers/container-service.js';
import { isActive } from '../containers/lifecycle.js';
import type { NetworkService } from './network-service.js';

/**
 * `docker network connect|disconnect`: a running container gets (or loses)
 * the endpoint at once; the choice is kept in its configuration for its
 * next starts either way.
 */
export async function connectNetwork(
  containers: ContainerService,
  networks: NetworkService,
  record: ContainerRecord,
  network: string,
  endpoint: { Aliases?: string[]; IPAMConfig?: { IPv4Address?: string } },
): Promise<void> {
  const net = networks.find(network);
  await containers.lock.run(record.id, async () => {
    const plan = networks.plan(record);
    if (plan.kind !== 'bridge') throw conflict('', `container sharing network namespace with another container or host cannot be connected to any other network`);
    if (plan.endpoints.some((e) => e.network === net.Name || e.network === net.Id)) {
      throw conflict('', `endpoint with name ${record.name} already exists in network ${net.Name}`);
    }
    const ip = endpoint.IPAMConfig?.IPv4Address;
    if (isActive(record)) await networks.attachRunning(record, net.Name, { aliases: endpoint.Aliases ?? [], ...(ip ? { ip } : {}) }, containers.active());
    record.networkingConfig ??= {};
    record.networkingConfig.EndpointsConfig ??= {};
    record.networkingConfig.EndpointsConfig[net.Name] = { ...(endpoint.Aliases ? { Aliases: endpoint.Aliases } : {}), ...(ip ? { IPAMConfig: { IPv4Address: ip } } : {}) };
    await containers.save(record);
  });
  containers.events.emit('network', 'connect', net.Id, { container: record.id, name: net.Name, type: 'bridge' });
}

export async function disconnectNetwork(containers: ContainerService, networks: NetworkService, record: ContainerRecord, network: string): Promise<void> {
  const net = networks.find(network);
  await containers.lock.run(record.id, async () => {
    const plan = networks.plan(record);
    if (plan.kind !== 'bridge' || !plan.endpoints.some((e) => e.network === net.Name)) {
      throw conflict('', `container ${record.id} is not connected to network ${net.Name}`);
    }
    if (isActive(record)) await networks.detachRunning(record, net.Name, containers.active());
    const eps = record.networkingConfig?.EndpointsConfig;
    if (eps) delete eps[net.Name];
    // The primary network (NetworkMode) goes too: the container keeps only loopback, as docker's does.
    if ((record.hostConfig.NetworkMode || 'bridge') === net.Name || (net.Name === 'bridge' && record.hostConfig.NetworkMode === 'default')) {
      record.hostConfig.NetworkMode = Object.keys(eps ?? {})[0] ?? 'none';
    }
    await containers.save(record);
  });
  containers.events.emit('network', 'disconnect', net.Id, { container: record.id, name: net.Name, type: 'bridge' });
}

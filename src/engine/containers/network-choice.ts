import { conflict } from '../../errors.js';
import type { NetworkChoice } from './build-bundle.js';
import { isActive, type ContainerRecord } from './container.js';
import type { ContainerService } from './container-service.js';

/**
 * Where a starting container's network comes from: a new namespace with
 * loopback only, the host's, another running container's, or (bridged) a
 * namespace joined to its networks with its ports published.
 */
export async function networkChoice(
  svc: ContainerService,
  record: ContainerRecord,
): Promise<{ choice: NetworkChoice; ip?: string | undefined; resolvConf?: string | undefined }> {
  const plan = svc.options.networks.plan(record);
  switch (plan.kind) {
    case 'none':
      return { choice: { mode: 'new' } };
    case 'host':
      return { choice: { mode: 'host' } };
    case 'container': {
      const target = svc.find(plan.target);
      if (!isActive(target) || target.state.pid <= 0) throw conflict('', `cannot join network of a non running container: ${target.id}`);
      return { choice: { mode: 'path', path: `/proc/${target.state.pid}/ns/net` } };
    }
    case 'bridge': {
      const joined = await svc.options.networks.join(record, [...svc.active(), record]);
      return { choice: { mode: 'path', path: joined.netnsPath ?? '' }, ip: joined.ip, resolvConf: joined.resolvConf };
    }
  }
}

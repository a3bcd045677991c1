import { invalidArgument } from '../../errors.js';
import type { HostConfig, NetworkingConfig } from '../containers/config/index.js';

/** How a container is networked, decided at create from NetworkMode and NetworkingConfig. */
export type NetworkPlan =
  | { kind: 'none' }
  | { kind: 'host' }
  | { kind: 'container'; target: string }
  /** bridged: the networks it joins, in order (the first gives the default route) */
  | { kind: 'bridge'; endpoints: Array<{ network: string; aliases: string[]; ip?: string }> };

export const DEFAULT_NETWORK = 'bridge';

export function planNetworks(hc: HostConfig, nc: NetworkingConfig | undefined): NetworkPlan {
  const mode = hc.NetworkMode ?? '';
  if (mode === 'none') return { kind: 'none' };
  if (mode === 'host') return { kind: 'host' };
  if (mode.startsWith('container:')) return { kind: 'container', target: mode.slice('container:'.length) };
  const primary = mode === '' || mode === 'default' ? DEFAULT_NETWORK : mode;
  // The docker CLI keys the endpoint of the NetworkMode by that mode's own name ("default" included).
  const configs: Record<string, NonNullable<NonNullable<NetworkingConfig['EndpointsConfig']>[string]>> = {};
  for (const [name, c] of Object.entries(nc?.EndpointsConfig ?? {})) configs[name === 'default' || name === mode ? primary : name] = c;
  const names = [primary, ...Object.keys(configs).filter((n) => n !== primary)];
  return {
    kind: 'bridge',
    endpoints: names.map((network) => {
      const c = configs[network];
      const ip = c?.IPAMConfig?.IPv4Address;
      // Docker: aliases only on user-defined networks.
      if (network === DEFAULT_NETWORK && (c?.Aliases?.length ?? 0) > 0) {
        throw invalidArgument('', 'network-scoped aliases are only supported for user-defined networks');
      }
      return { network, aliases: c?.Aliases ?? [], ...(ip ? { ip } : {}) };
    }),
  };
}

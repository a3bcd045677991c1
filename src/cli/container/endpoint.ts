/**
 * A container's endpoint on a network, as docker's CLI sends it: in
 * NetworkingConfig of `run`/`create` (`--network`, `--network-alias`,
 * `--ip`) and in `network connect`.
 */

/** EndpointSettings with every field at its zero value, in docker's order. */
export const ZERO_ENDPOINT = {
  IPAMConfig: null, Links: null, Aliases: null, MacAddress: '', DriverOpts: null, GwPriority: 0, NetworkID: '', EndpointID: '',
  Gateway: '', IPAddress: '', IPPrefixLen: 0, IPv6Gateway: '', GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0, DNSNames: null,
};

/** docker's NetworkMode.IsUserDefined on Linux. */
export const isUserDefined = (mode: string): boolean => !['default', 'bridge', 'host', 'none'].includes(mode) && !mode.startsWith('container:');

/**
 * EndpointsConfig of `run`/`create`: the named network's endpoint (or
 * "default"'s), left out when a network was named and nothing set on it.
 */
export function endpointsConfig(network: string | undefined, aliases: string[], ip: string | undefined): Record<string, unknown> {
  const target = network ?? 'default';
  if (aliases.length > 0 && !isUserDefined(target)) throw new Error('network-scoped aliases are only supported for user-defined networks');
  const options = { ...(ip ? { IPAMConfig: { IPv4Address: ip } } : {}), ...(aliases.length > 0 ? { Aliases: aliases } : {}) };
  if (network !== undefined && Object.keys(options).length === 0) return {};
  return { [target]: { ...ZERO_ENDPOINT, ...options } };
}

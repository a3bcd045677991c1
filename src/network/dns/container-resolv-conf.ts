import { isIP } from 'node:net';

import { invalidArgument } from '../../errors.js';
import { parseResolvConf } from './resolv-conf.js';

export interface ContainerDnsOptions {
  /** the network's gateway address, where its embedded DNS server listens */
  gateway: string;
  /** the text of the host's resolv.conf */
  hostResolvConf: string;
  /** `--dns`: replaces the host's nameservers as upstreams */
  dns?: string[];
  /** `--dns-search`: replaces the host's search list; "." alone means none */
  dnsSearch?: string[];
  /** `--dns-option`: replaces the host's options */
  dnsOptions?: string[];
}

export interface ContainerDns {
  /** the container's /etc/resolv.conf */
  resolvConf: string;
  /** what the embedded server forwards this container's other names to (a DnsEndpoint's `upstreams`) */
  upstreams: string[];
}

/** Docker's fallback when the host lists no nameserver at all. */
const FALLBACK_UPSTREAMS = ['8.8.8.8', '8.8.4.4'];

/**
 * The resolv.conf of a container on a user network, as Docker writes it:
 * one nameserver, the embedded server; the search list and options of the
 * host unless the user gave their own; the host's nameservers (or `--dns`)
 * moved out of the file to become the server's upstreams.
 *
 * `ndots:0` is added when no valid ndots is set, so that a container name
 * such as "db" is first asked as is, and answered locally, instead of being
 * sent upstream once per search domain before that.
 */
export function containerDnsConfig(o: ContainerDnsOptions): ContainerDns {
  if (isIP(o.gateway) === 0) throw invalidArgument(`gateway "${o.gateway}"`, 'not an IP address');
  for (const ns of o.dns ?? []) if (isIP(ns) === 0) throw invalidArgument(`dns server "${ns}"`, 'not an IP address');
  const host = parseResolvConf(o.hostResolvConf);
  let upstreams = o.dns && o.dns.length > 0 ? [...o.dns] : host.nameservers;
  if (upstreams.length === 0) upstreams = FALLBACK_UPSTREAMS;
  const search = o.dnsSearch && o.dnsSearch.length > 0 ? o.dnsSearch.filter((s) => s !== '.') : host.search;
  const given = o.dnsOptions && o.dnsOptions.length > 0 ? o.dnsOptions : host.options;
  const options = given.filter((opt) => !opt.startsWith('ndots:') || /^ndots:\d+$/.test(opt));
  if (!options.some((opt) => opt.startsWith('ndots:'))) options.push('ndots:0');

  const lines = [`nameserver ${o.gateway}`];
  if (search.length > 0) lines.push(`search ${search.join(' ')}`);
  lines.push(`options ${options.join(' ')}`, ...host.other);
  lines.push('', `# ${o.gateway} answers the network's container names and forwards other names to: ${upstreams.join(', ')}`);
  return { resolvConf: `${lines.join('\n')}\n`, upstreams };
}

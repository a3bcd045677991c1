import { isIP } from 'node:net';

import { ipv6ToBytes } from './ip.js';

/** What a resolv.conf(5) says, in the terms a container's copy is built from. */
export interface ResolvConf {
  nameservers: string[];
  /** the last `search` or `domain` line wins, as in glibc */
  search: string[];
  /** `options` lines accumulate */
  options: string[];
  /** lines of other directives (sortlist, …), kept verbatim */
  other: string[];
}

export function parseResolvConf(text: string): ResolvConf {
  const rc: ResolvConf = { nameservers: [], search: [], options: [], other: [] };
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/).filter(Boolean);
    const [directive, ...args] = fields;
    if (directive === undefined || directive.startsWith('#') || directive.startsWith(';')) continue;
    const values = args.slice(0, firstComment(args));
    switch (directive) {
      case 'nameserver':
        // An unparsable address is skipped, as the C library skips it.
        if (values[0] !== undefined && isIP(values[0]) !== 0) rc.nameservers.push(values[0]);
        break;
      case 'domain':
      case 'search':
        if (values.length > 0) rc.search = values;
        break;
      case 'options':
        rc.options.push(...values);
        break;
      default:
        rc.other.push(line.trim());
    }
  }
  return rc;
}

/**
 * The host's nameservers, as the embedded DNS server's upstreams.
 *
 * Loopback nameservers (127.0.0.53 of systemd-resolved, a local dnsmasq)
 * are kept by default: the embedded server runs in the host's network
 * namespace, where they answer, so containers on user networks get exactly
 * the host's resolution (split DNS, VPN domains) as Docker ≥ 26 gives them.
 * `reach: 'container'` drops them, for a resolv.conf a container reads
 * itself (networks without the embedded server), where 127.0.0.53 would be
 * the container's own loopback with nothing listening.
 */
export function readHostResolvers(resolvConfText: string, reach: 'host' | 'container' = 'host'): string[] {
  const all = parseResolvConf(resolvConfText).nameservers;
  return reach === 'host' ? all : all.filter((ns) => !isLoopback(ns));
}

/** 127.0.0.0/8, ::1, and 127/8 mapped into IPv6. */
export function isLoopback(ip: string): boolean {
  if (isIP(ip) === 4) return ip.startsWith('127.');
  if (isIP(ip) !== 6 || ip.includes('%')) return false;
  const b = ipv6ToBytes(ip);
  const mapped = b.subarray(0, 10).every((x) => x === 0) && b[10] === 0xff && b[11] === 0xff;
  return mapped ? b[12] === 127 : b.subarray(0, 15).every((x) => x === 0) && b[15] === 1;
}

function firstComment(args: string[]): number {
  const i = args.findIndex((a) => a.startsWith('#') || a.startsWith(';'));
  return i < 0 ? args.length : i;
}

/**
 * Address management inside one network: the gateway and the network and
 * broadcast addresses are never handed out; a container gets the address it
 * asks for or the lowest free one. Lowest-free reuses freed addresses soon,
 * which is safe here because the MAC follows the address (see macFromIPv4).
 */
import { conflict, invalidArgument, unavailable } from '../errors.js';
import { broadcast, contains, formatCidr, parseIPv4, type Cidr } from './ipv4.js';

export interface Pool {
  network: string;
  subnet: Cidr;
  gateway: number;
  /** Addresses held by endpoints. */
  taken: Set<number>;
}

export function allocateAddress(pool: Pool, requested?: string): number {
  const first = pool.subnet.network + 1;
  const last = broadcast(pool.subnet) - 1;
  if (requested !== undefined) {
    const ip = parseIPv4(requested);
    const what = `address "${requested}"`;
    if (ip === undefined) throw invalidArgument(what, 'not an IPv4 address');
    if (!contains(pool.subnet, ip) || ip < first || ip > last) {
      throw invalidArgument(what, `not a host address of ${formatCidr(pool.subnet)} (network "${pool.network}")`);
    }
    if (ip === pool.gateway) throw conflict(what, `is the gateway of network "${pool.network}"`);
    if (pool.taken.has(ip)) throw conflict(what, `already in use on network "${pool.network}"`);
    return ip;
  }
  for (let ip = first; ip <= last; ip++) {
    if (ip !== pool.gateway && !pool.taken.has(ip)) return ip;
  }
  throw unavailable(`network "${pool.network}"`, `no free address left in ${formatCidr(pool.subnet)}`);
}


/**
 * Which subnet and gateway a new network gets: the one asked for, checked
 * against the other networks and the host's routes, or the first private
 * range that touches neither.
 */
import { invalidArgument, unavailable } from '../errors.js';
import type { HostRoute } from './host-routes.js';
import { broadcast, contains, formatCidr, formatIPv4, overlaps, parseCidr, parseIPv4, type Cidr } from './ipv4.js';

export interface SubnetPlan {
  subnet: Cidr;
  gateway: number;
}

export interface UsedSubnet {
  network: string;
  subnet: Cidr;
}

/** Docker's default pools: 172.17-31.0.0/16, then 192.168.0.0/16 cut in /20s. */
export function defaultCandidates(): Cidr[] {
  const out: Cidr[] = [];
  for (let b = 17; b <= 31; b++) out.push(parseCidr(`172.${b}.0.0/16`));
  for (let c = 0; c < 256; c += 16) out.push(parseCidr(`192.168.${c}.0/20`));
  return out;
}

export function planSubnet(
  req: { subnet?: string | undefined; gateway?: string | undefined },
  used: UsedSubnet[],
  routes: HostRoute[],
  candidates: Cidr[] = defaultCandidates(),
): SubnetPlan {
  // The default route covers everything; only the routes to actual networks count.
  const hostNets = routes.filter((r) => r.destination.prefixLen > 0);
  if (req.subnet === undefined) {
    if (req.gateway !== undefined) throw invalidArgument(`gateway "${req.gateway}"`, 'a gateway needs a subnet');
    const free = candidates.find(
      (c) => !used.some((u) => overlaps(u.subnet, c)) && !hostNets.some((r) => overlaps(r.destination, c)),
    );
    if (!free) throw unavailable('subnet', 'every default address pool overlaps a network or a host route; give a subnet');
    return { subnet: free, gateway: free.network + 1 };
  }
  const subnet = parseCidr(req.subnet);
  if (subnet.prefixLen < 8 || subnet.prefixLen > 30) {
    throw invalidArgument(`subnet "${req.subnet}"`, 'the prefix length must be between 8 and 30');
  }
  const other = used.find((u) => overlaps(u.subnet, subnet));
  if (other) {
    throw invalidArgument(
      `subnet "${req.subnet}"`,
      `overlaps ${formatCidr(other.subnet)} of network "${other.network}"`,
    );
  }
  const route = hostNets.find((r) => overlaps(r.destination, subnet));
  if (route) {
    throw invalidArgument(
      `subnet "${req.subnet}"`,
      `overlaps the host route to ${formatCidr(route.destination)} on ${route.ifname}`,
    );
  }
  return { subnet, gateway: req.gateway === undefined ? subnet.network + 1 : checkGateway(req.gateway, subnet) };
}

function checkGateway(s: string, subnet: Cidr): number {
  const gw = parseIPv4(s);
  if (gw === undefined) throw invalidArgument(`gateway "${s}"`, 'not an IPv4 address');
  if (!contains(subnet, gw)) throw invalidArgument(`gateway "${s}"`, `not inside the subnet ${formatCidr(subnet)}`);
  if (gw === subnet.network || gw === broadcast(subnet)) {
    throw invalidArgument(`gateway "${s}"`, `${formatIPv4(gw)} is the network or broadcast address of the subnet`);
  }
  return gw;
}

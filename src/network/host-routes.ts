/**
 * The host's IPv4 routes, read from /proc/net/route (the main table), so that
 * a new bridge subnet never shadows a network the host already reaches.
 */
import { readFile } from 'node:fs/promises';

import type { Cidr } from './ipv4.js';

export interface HostRoute {
  destination: Cidr;
  ifname: string;
}

/** Parses /proc/net/route: hex fields in host byte order (little-endian on the machines we run on). */
export function parseRouteTable(text: string): HostRoute[] {
  const routes: HostRoute[] = [];
  for (const line of text.split('\n').slice(1)) {
    const f = line.trim().split(/\s+/);
    const [ifname, dest, , , , , , maskHex] = f;
    if (ifname === undefined || dest === undefined || maskHex === undefined) continue;
    const network = swap32(parseInt(dest, 16));
    const m = swap32(parseInt(maskHex, 16));
    routes.push({ ifname, destination: { network, prefixLen: popcount(m) } });
  }
  return routes;
}

export async function readHostRoutes(file = '/proc/net/route'): Promise<HostRoute[]> {
  return parseRouteTable(await readFile(file, 'utf8'));
}

function swap32(n: number): number {
  return (((n & 0xff) << 24) | ((n & 0xff00) << 8) | ((n >>> 8) & 0xff00) | ((n >>> 24) & 0xff)) >>> 0;
}

function popcount(n: number): number {
  let c = 0;
  for (let x = n >>> 0; x !== 0; x = (x & (x - 1)) >>> 0) c++;
  return c;
}

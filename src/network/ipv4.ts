/**
 * IPv4 addresses as unsigned 32-bit numbers, and subnets in CIDR notation.
 * Pure arithmetic: no I/O, every input checked.
 */
import { invalidArgument } from '../errors.js';

export interface Cidr {
  /** The network address (host bits zero), as an unsigned 32-bit number. */
  network: number;
  prefixLen: number;
}

/** The address as a number, or undefined when `s` is not a dotted quad. */
export function parseIPv4(s: string): number | undefined {
  const parts = s.split('.');
  if (parts.length !== 4) return undefined;
  let n = 0;
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p) || Number(p) > 255) return undefined;
    n = n * 256 + Number(p);
  }
  return n;
}

export function formatIPv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

export function mask(prefixLen: number): number {
  return prefixLen === 0 ? 0 : (0xffffffff << (32 - prefixLen)) >>> 0;
}

/** "172.30.0.0/16" → Cidr. Host bits set ("172.30.1.5/16") is an error, as in Docker. */
export function parseCidr(s: string, what = 'subnet'): Cidr {
  const m = /^([\d.]+)\/(\d{1,2})$/.exec(s);
  const addr = m?.[1] !== undefined ? parseIPv4(m[1]) : undefined;
  const prefixLen = Number(m?.[2]);
  if (addr === undefined || !(prefixLen >= 0 && prefixLen <= 32)) {
    throw invalidArgument(`${what} "${s}"`, 'not an IPv4 address in CIDR notation (like 172.30.0.0/16)');
  }
  const network = (addr & mask(prefixLen)) >>> 0;
  if (network !== addr) {
    throw invalidArgument(`${what} "${s}"`, `host bits are set: it should be ${formatIPv4(network)}/${prefixLen}`);
  }
  return { network, prefixLen };
}

export function formatCidr(c: Cidr): string {
  return `${formatIPv4(c.network)}/${c.prefixLen}`;
}

export function broadcast(c: Cidr): number {
  return (c.network | ~mask(c.prefixLen)) >>> 0;
}

export function contains(c: Cidr, addr: number): boolean {
  return (addr & mask(c.prefixLen)) >>> 0 === c.network;
}

export function overlaps(a: Cidr, b: Cidr): boolean {
  const p = Math.min(a.prefixLen, b.prefixLen);
  return (a.network & mask(p)) >>> 0 === (b.network & mask(p)) >>> 0;
}

/**
 * Docker's container MAC: 02:42 then the four bytes of the IPv4 address. The
 * address picks the MAC, so a container that gets a freed address again also
 * gets the same MAC and neighbours' ARP caches stay right.
 */
export function macFromIPv4(n: number): string {
  const bytes = [0x02, 0x42, n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255];
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':');
}

/**
 * `network create --subnet/--ip-range/--gateway` → the IPAM config docker
 * sends: one entry per subnet, each range and gateway put with the subnet
 * that holds it, and docker's client-side checks and messages (Go's
 * net.ParseCIDR, net.ParseIP and IPNet.Contains) for what does not fit.
 */
import { isIP } from 'node:net';

export interface IpamConfig {
  Subnet: string;
  IPRange?: string;
  Gateway?: string;
}

interface Ip {
  value: bigint;
  bits: 32 | 128;
}

/** An IPv4 or IPv6 address as Go's net.ParseIP reads it; an IPv4-mapped IPv6 address is IPv4. */
export function parseIp(s: string): Ip | undefined {
  const family = s.includes('%') ? 0 : isIP(s);
  if (family === 4) return { value: s.split('.').reduce((acc, part) => (acc << 8n) | BigInt(part), 0n), bits: 32 };
  if (family !== 6) return undefined;
  const [head = '', tail] = s.split('::');
  const groups = (text: string) => (text === '' ? [] : text.split(':')).flatMap((g) => {
    const v4 = parseIp(g);
    return g.includes('.') && v4 ? [Number(v4.value >> 16n), Number(v4.value & 0xffffn)] : [parseInt(g, 16)];
  });
  const left = groups(head);
  const right = tail === undefined ? [] : groups(tail);
  const all = [...left, ...new Array<number>(8 - left.length - right.length).fill(0), ...right];
  const value = all.reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
  return value >> 32n === 0xffffn ? { value: value & 0xffffffffn, bits: 32 } : { value, bits: 128 };
}

interface Cidr {
  ip: Ip;
  prefix: number;
}

/** Go's net.ParseCIDR: "ADDR/PREFIX", or "invalid CIDR address: …". */
export function parseCidr(s: string): Cidr {
  const slash = s.indexOf('/');
  const ip = slash < 0 ? undefined : parseIp(s.slice(0, slash));
  const mask = s.slice(slash + 1);
  const prefix = Number(mask);
  if (!ip || !/^\d+$/.test(mask) || prefix > (s.slice(0, slash).includes(':') ? 128 : ip.bits)) throw new Error(`invalid CIDR address: ${s}`);
  // "::ffff:10.0.0.0/104" is an IPv4 network of /8.
  return { ip, prefix: ip.bits === 32 && s.slice(0, slash).includes(':') ? Math.max(0, prefix - 96) : prefix };
}

function contains(net: Cidr, ip: Ip): boolean {
  if (net.ip.bits !== ip.bits) return false;
  const shift = BigInt(ip.bits - net.prefix);
  return net.ip.value >> shift === ip.value >> shift;
}

/** docker's subnetMatches: is `data` (an address, or the address of "ADDR/N") inside `subnet`? */
function subnetMatches(subnet: string, data: string): boolean {
  let net: Cidr;
  try {
    net = parseCidr(subnet);
  } catch (e) {
    throw new Error(`invalid subnet: ${(e as Error).message}`);
  }
  const ip = data.includes('/') ? parseCidr(data).ip : parseIp(data);
  return ip !== undefined && contains(net, ip);
}

export function ipamConfig(subnets: string[], ranges: string[], gateways: string[]): IpamConfig[] {
  if (subnets.length < ranges.length || subnets.length < gateways.length) throw new Error('every ip-range or gateway must have a corresponding subnet');
  const data = new Map<string, IpamConfig>();
  for (const s of subnets) {
    for (const k of data.keys()) {
      const inside = subnetMatches(s, k);
      if (subnetMatches(k, s) || inside) throw new Error('multiple overlapping subnet configuration is not supported');
    }
    data.set(s, { Subnet: s });
  }
  const place = (value: string, key: 'IPRange' | 'Gateway', what: string, clash: (old: string, s: string) => string) => {
    let match = false;
    for (const s of subnets) {
      if (!subnetMatches(s, value)) continue;
      const d = data.get(s) as IpamConfig;
      const old = d[key];
      if (old) throw new Error(clash(old, s));
      d[key] = value;
      match = true;
    }
    if (!match) throw new Error(`no matching subnet for ${what} ${value}`);
  };
  for (const r of ranges) {
    parseCidr(r);
    place(r, 'IPRange', 'range', (old, s) => `cannot configure multiple ranges (${r}, ${old}) on the same subnet (${s})`);
  }
  for (const g of gateways) place(g, 'Gateway', 'gateway', (old, s) => `cannot configure multiple gateways (${g}, ${old}) for the same subnet (${s})`);
  return [...data.values()];
}

/** A pflag "strings" value: comma-separated, as a CSV record ("a,b" → a and b; "\"a,b\"" → one). */
export function csvValues(values: string[]): string[] {
  return values.flatMap((v) => {
    if (v === '') return [];
    if (!v.includes('"')) return v.split(',');
    const out: string[] = [];
    let field = '';
    let quoted = false;
    for (let i = 0; i < v.length; i++) {
      const c = v[i] as string;
      if (quoted && c === '"' && v[i + 1] === '"') field += v[++i];
      else if (c === '"' && (quoted || field === '')) quoted = !quoted;
      else if (c === ',' && !quoted) {
        out.push(field);
        field = '';
      } else field += c;
    }
    out.push(field);
    return out;
  });
}

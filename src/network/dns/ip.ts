import { isIPv4, isIPv6 } from 'node:net';

import { invalidArgument } from '../../errors.js';

/** Address text ↔ the bytes of A and AAAA records, and the in-addr.arpa names of PTR queries. */

export function ipv4ToBytes(ip: string): Buffer {
  if (!isIPv4(ip)) throw invalidArgument(`address "${ip}"`, 'not an IPv4 address');
  return Buffer.from(ip.split('.').map(Number));
}

export function bytesToIpv4(b: Uint8Array): string {
  return Array.from(b).join('.');
}

export function ipv6ToBytes(ip: string): Buffer {
  if (!isIPv6(ip) || ip.includes('%')) throw invalidArgument(`address "${ip}"`, 'not an IPv6 address');
  let text = ip;
  // An embedded IPv4 tail (::ffff:1.2.3.4) is two groups in dotted form.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4) {
    const b = ipv4ToBytes(v4[1] as string);
    text = `${text.slice(0, v4.index)}${b.readUInt16BE(0).toString(16)}:${b.readUInt16BE(2).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const left = head ? head.split(':') : [];
  const right = tail ? tail.split(':') : [];
  const groups = tail === undefined ? left : [...left, ...Array<string>(8 - left.length - right.length).fill('0'), ...right];
  const out = Buffer.alloc(16);
  groups.forEach((g, i) => out.writeUInt16BE(parseInt(g, 16), i * 2));
  return out;
}

/** RFC 5952 text: lower case, leading zeros dropped, the longest run of two or more zero groups as "::". */
export function bytesToIpv6(b: Uint8Array): string {
  const groups: number[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(((b[i] as number) << 8) | (b[i + 1] as number));
  let best = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j === i ? i + 1 : j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best < 0) return hex.join(':');
  return `${hex.slice(0, best).join(':')}::${hex.slice(best + bestLen).join(':')}`;
}

/** "10.0.0.2" → "2.0.0.10.in-addr.arpa" */
export function reverseName(ipv4: string): string {
  return `${ipv4.split('.').reverse().join('.')}.in-addr.arpa`;
}

/** The IPv4 address a PTR query asks about, or undefined for any other name (including partial ones like "0.10.in-addr.arpa"). */
export function addressOfReverseName(canonical: string): string | undefined {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.in-addr\.arpa$/.exec(canonical);
  if (!m) return undefined;
  const ip = [m[4], m[3], m[2], m[1]].join('.');
  return isIPv4(ip) ? ip : undefined;
}

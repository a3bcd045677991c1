/**
 * Host sockets that own a port, read from /proc/net/{tcp,tcp6,udp,udp6}:
 * listening TCP sockets and bound, unconnected UDP sockets. Publishing a port
 * that a host process listens on would silently steal its traffic (our DNAT
 * runs before the socket lookup), so such a port is refused. Reading the
 * tables, rather than binding the port to see, leaves no trace and cannot
 * race a connection into a socket of ours.
 */
import { readFile } from 'node:fs/promises';

import type { Proto } from './state.js';

export interface HostSocket {
  proto: Proto;
  /** IPv4 address, or '' for a wildcard (0.0.0.0, or :: which also takes IPv4 unless v6only). */
  ip: string;
  port: number;
}

const TCP_LISTEN = '0A';
const UDP_UNCONNECTED = '07';

/** Little-endian hex "0100007F" → "127.0.0.1". */
function hexToIPv4(hex: string): string {
  const n = parseInt(hex, 16);
  return [n & 255, (n >>> 8) & 255, (n >>> 16) & 255, n >>> 24].join('.');
}

function addressOf(hex: string): string | undefined {
  if (hex.length === 8) return hex === '00000000' ? '' : hexToIPv4(hex);
  if (hex.length !== 32) return undefined;
  if (/^0{32}$/.test(hex)) return '';
  // ::ffff:a.b.c.d, as four host-order words: 0, 0, ffff0000, the IPv4 address.
  if (hex.slice(0, 24) === '0000000000000000FFFF0000') return hexToIPv4(hex.slice(24));
  return undefined; // A real IPv6 address: IPv4 ports are not affected.
}

export function parseSocketTable(text: string, proto: Proto): HostSocket[] {
  const wanted = proto === 'tcp' ? TCP_LISTEN : UDP_UNCONNECTED;
  const out: HostSocket[] = [];
  for (const line of text.split('\n').slice(1)) {
    const [, local, , state] = line.trim().split(/\s+/);
    if (local === undefined || state !== wanted) continue;
    const [addrHex, portHex] = local.split(':');
    const ip = addrHex === undefined ? undefined : addressOf(addrHex.toUpperCase());
    if (ip === undefined || portHex === undefined) continue;
    out.push({ proto, ip, port: parseInt(portHex, 16) });
  }
  return out;
}

export async function readHostSockets(procNet = '/proc/net'): Promise<HostSocket[]> {
  const tables: Array<[string, Proto]> = [
    ['tcp', 'tcp'],
    ['tcp6', 'tcp'],
    ['udp', 'udp'],
    ['udp6', 'udp'],
  ];
  const parts = await Promise.all(
    tables.map(async ([file, proto]) => {
      // A kernel without IPv6 has no tcp6/udp6.
      const text = await readFile(`${procNet}/${file}`, 'utf8').catch(() => '');
      return parseSocketTable(text, proto);
    }),
  );
  return parts.flat();
}

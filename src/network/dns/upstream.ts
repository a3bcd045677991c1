import { isIP } from 'node:net';

import { invalidArgument } from '../../errors.js';

/** A resolver the embedded server forwards to. */
export interface Upstream {
  address: string;
  port: number;
  family: 4 | 6;
}

/**
 * "ip", "ip:port", "[ipv6]" or "[ipv6]:port"; a bare IPv6 address (which
 * contains colons itself) means port 53. Link-local IPv6 keeps its zone
 * ("fe80::1%eth0"): without it the address is unroutable.
 */
export function parseUpstream(text: string): Upstream {
  const bad = (detail: string) => invalidArgument(`dns server "${text}"`, detail);
  let host = text;
  let port = 53;
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (bracketed) {
    host = bracketed[1] as string;
    if (bracketed[2] !== undefined) port = Number(bracketed[2]);
  } else if (isIP(text) === 0) {
    const colon = text.lastIndexOf(':');
    if (colon < 0) throw bad('not an IP address');
    host = text.slice(0, colon);
    port = /^\d+$/.test(text.slice(colon + 1)) ? Number(text.slice(colon + 1)) : NaN;
  }
  const family = isIP(host);
  if (family === 0) throw bad('not an IP address');
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw bad('port out of range');
  return { address: host, port, family: family as 4 | 6 };
}

export function formatUpstream(u: Upstream): string {
  return u.family === 6 ? `[${u.address}]:${u.port}` : `${u.address}:${u.port}`;
}

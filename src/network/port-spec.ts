/**
 * Docker's port publishing syntax, `-p [ip:][hostPort:]containerPort[/proto]`,
 * and the PortBindings map of the Engine API, turned into port requests.
 *
 *   80               container port 80, a free host port picked for it
 *   8080:80          host port 8080
 *   127.0.0.1:8080:80, 127.0.0.1::80   one host address only
 *   8000-8010:80-90  ranges, paired one to one (same length)
 *   8000-8010:80     one host port, the first free one in the range
 *   53:53/udp        UDP
 */
import { invalidArgument } from '../errors.js';
import { parseIPv4 } from './ipv4.js';
import type { Proto } from './state.js';

export interface PortRequest {
  proto: Proto;
  containerPort: number;
  /** '' = every host address. */
  hostIp: string;
  /** 0 = any free port of the ephemeral range. */
  hostPort: number;
  /** With hostPort: take the first free port of hostPort..hostPortEnd. */
  hostPortEnd?: number;
}

interface Range {
  start: number;
  end: number;
}

function parseRange(s: string, what: string, spec: string): Range {
  const m = /^(\d+)(?:-(\d+))?$/.exec(s);
  const start = Number(m?.[1]);
  const end = m?.[2] === undefined ? start : Number(m[2]);
  if (!m || !(start >= 1 && end <= 65535 && start <= end)) {
    throw invalidArgument(`port spec "${spec}"`, `invalid ${what} "${s}": ports are 1-65535, ranges low-high`);
  }
  return { start, end };
}

export function parseProto(s: string, spec: string): Proto {
  if (s === 'tcp' || s === 'udp') return s;
  throw invalidArgument(`port spec "${spec}"`, `unsupported protocol "${s}" (tcp or udp)`);
}

export function parseHostIp(s: string, spec: string): string {
  if (s === '' || s === '0.0.0.0') return '';
  if (s.startsWith('[') || s.includes(':')) {
    throw invalidArgument(`port spec "${spec}"`, `IPv6 host address "${s}" is not supported`);
  }
  if (parseIPv4(s) === undefined) throw invalidArgument(`port spec "${spec}"`, `invalid host address "${s}"`);
  return s;
}

export function parsePortSpec(spec: string): PortRequest[] {
  const slash = spec.lastIndexOf('/');
  const proto = slash < 0 ? 'tcp' : parseProto(spec.slice(slash + 1), spec);
  const body = slash < 0 ? spec : spec.slice(0, slash);
  const bracket = /^(\[[^\]]*\]):(.*)$/.exec(body);
  const parts = bracket ? [bracket[1] as string, ...(bracket[2] as string).split(':')] : body.split(':');
  if (parts.length > 3) throw invalidArgument(`port spec "${spec}"`, 'too many colons (use ip:hostPort:containerPort)');
  const [ipPart, hostPart, containerPart] =
    parts.length === 3 ? parts : parts.length === 2 ? ['', parts[0], parts[1]] : ['', '', parts[0]];
  if (containerPart === undefined || containerPart === '') {
    throw invalidArgument(`port spec "${spec}"`, 'no container port');
  }
  const hostIp = parseHostIp(ipPart ?? '', spec);
  const container = parseRange(containerPart, 'container port', spec);
  const host = hostPart === undefined || hostPart === '' || hostPart === '0' ? undefined : parseRange(hostPart, 'host port', spec);
  const count = container.end - container.start + 1;
  if (host && count > 1 && host.end - host.start + 1 !== count) {
    throw invalidArgument(
      `port spec "${spec}"`,
      `the host range ${hostPart} and the container range ${containerPart} differ in length`,
    );
  }
  const out: PortRequest[] = [];
  for (let i = 0; i < count; i++) {
    const containerPort = container.start + i;
    if (!host) out.push({ proto, containerPort, hostIp, hostPort: 0 });
    else if (count > 1) out.push({ proto, containerPort, hostIp, hostPort: host.start + i });
    else if (host.start === host.end) out.push({ proto, containerPort, hostIp, hostPort: host.start });
    else out.push({ proto, containerPort, hostIp, hostPort: host.start, hostPortEnd: host.end });
  }
  return out;
}

/** The Engine API's HostConfig.PortBindings: {"80/tcp": [{"HostIp": "", "HostPort": "8080"}]}. */
export type PortBindings = Record<string, Array<{ HostIp?: string; HostPort?: string }> | null>;

export function fromPortBindings(bindings: PortBindings): PortRequest[] {
  const out: PortRequest[] = [];
  for (const [key, list] of Object.entries(bindings)) {
    const [portPart = '', protoPart = 'tcp'] = key.split('/');
    const containerPort = parseRange(portPart, 'container port', key);
    if (containerPort.start !== containerPort.end) {
      throw invalidArgument(`port "${key}"`, 'a PortBindings key names one port');
    }
    const proto = parseProto(protoPart, key);
    // null or [] binds nothing (the port is only exposed), as in Docker.
    for (const b of list ?? []) {
      const hostIp = parseHostIp(b.HostIp ?? '', key);
      const hp = b.HostPort ?? '';
      const host = hp === '' || hp === '0' ? undefined : parseRange(hp, 'host port', `${key} ${hp}`);
      const base = { proto, containerPort: containerPort.start, hostIp };
      if (!host) out.push({ ...base, hostPort: 0 });
      else if (host.start === host.end) out.push({ ...base, hostPort: host.start });
      else out.push({ ...base, hostPort: host.start, hostPortEnd: host.end });
    }
  }
  return out;
}

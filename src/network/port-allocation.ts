/**
 * Choosing host ports: a fixed port is checked, a range yields its first free
 * port, port 0 gets one from the ephemeral range. A port is taken when
 * another publication or a host socket holds it on an overlapping address
 * ('' overlaps every address). Pure: the caller reads the host sockets.
 */
import { conflict, unavailable } from '../errors.js';
import type { HostSocket } from './listening-sockets.js';
import type { PortRequest } from './port-spec.js';
import type { Proto, PublishedPort } from './state.js';

export interface PortTarget extends PortRequest {
  containerIp: string;
}

export interface PortRange {
  low: number;
  high: number;
}

export interface AllocationContext {
  published: readonly PublishedPort[];
  hostSockets: readonly HostSocket[];
  ephemeral: PortRange;
  /** Where the ephemeral search starts; Docker goes round the range rather than reuse a port just freed. */
  start: number;
}

const overlap = (a: string, b: string) => a === '' || b === '' || a === b;
const label = (ip: string, port: number, proto: Proto) => `${ip || '0.0.0.0'}:${port}/${proto}`;

export function assignHostPorts(containerId: string, targets: PortTarget[], ctx: AllocationContext): PublishedPort[] {
  const out: PublishedPort[] = [];
  const holder = (proto: Proto, ip: string, port: number): string | undefined => {
    const p = [...ctx.published, ...out].find((x) => x.proto === proto && x.hostPort === port && overlap(x.hostIp, ip));
    if (p) return p.containerId === containerId ? 'this container' : `container ${p.containerId.slice(0, 12)}`;
    const s = ctx.hostSockets.find((x) => x.proto === proto && x.port === port && overlap(x.ip, ip));
    return s ? `a process on the host (listening on ${label(s.ip, s.port, s.proto)})` : undefined;
  };
  let next = ctx.start;
  for (const t of targets) {
    let hostPort: number | undefined;
    if (t.hostPort !== 0 && t.hostPortEnd === undefined) {
      const who = holder(t.proto, t.hostIp, t.hostPort);
      if (who) throw conflict(`host port ${label(t.hostIp, t.hostPort, t.proto)}`, `already in use by ${who}`);
      hostPort = t.hostPort;
    } else if (t.hostPort !== 0) {
      const end = t.hostPortEnd ?? t.hostPort;
      for (let p = t.hostPort; p <= end && hostPort === undefined; p++) {
        if (!holder(t.proto, t.hostIp, p)) hostPort = p;
      }
      if (hostPort === undefined) {
        throw conflict(`host ports ${t.hostPort}-${end}/${t.proto}`, 'every port of the range is in use');
      }
    } else {
      const { low, high } = ctx.ephemeral;
      const size = high - low + 1;
      for (let i = 0; i < size && hostPort === undefined; i++) {
        const p = low + ((next - low + i) % size + size) % size;
        if (!holder(t.proto, t.hostIp, p)) hostPort = p;
      }
      if (hostPort === undefined) throw unavailable('host ports', `no free port left in ${low}-${high}`);
      next = hostPort + 1;
    }
    out.push({
      containerId,
      hostIp: t.hostIp,
      hostPort,
      containerIp: t.containerIp,
      containerPort: t.containerPort,
      proto: t.proto,
    });
  }
  return out;
}

/** The kernel's own ephemeral range, which Docker also uses; 49153-60999 when unreadable. */
export function parsePortRange(text: string | undefined): PortRange {
  const [low, high] = (text ?? '').trim().split(/\s+/).map(Number);
  if (low !== undefined && high !== undefined && low >= 1 && high <= 65535 && low <= high) return { low, high };
  return { low: 49153, high: 60999 };
}

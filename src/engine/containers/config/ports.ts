/**
 * Port specs of ExposedPorts and PortBindings ("80", "80/tcp", "8000-8010/udp")
 * and `--add-host` entries, checked as dockerd checks them at create.
 */
import { isIP } from 'node:net';

import { invalidArgument } from '../../../errors.js';
import { at } from '../../../oci/json-check.js';
import type { ContainerConfig } from './container-config.js';
import type { HostConfig } from './host-config.js';

const PORT_SPEC = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/;

function portOk(s: string | undefined): boolean {
  return s === undefined || (Number(s) >= 0 && Number(s) <= 65535);
}

export function isPortSpec(spec: string, allowEmpty = false): boolean {
  if (spec === '') return allowEmpty;
  const m = PORT_SPEC.exec(spec);
  return m !== null && portOk(m[1]) && portOk(m[2]) && (m[2] === undefined || Number(m[1]) <= Number(m[2]));
}

/** "name:ip" (or "name=ip"); the address may be "host-gateway" or a bracketed IPv6. */
export function checkExtraHost(entry: string, field: string): void {
  const sep = /[:=]/.exec(entry);
  const name = sep ? entry.slice(0, sep.index) : '';
  if (!sep || name === '') throw invalidArgument(field, `bad format for add-host: ${JSON.stringify(entry)}`);
  let ip = entry.slice(sep.index + 1);
  if (ip === 'host-gateway') return;
  if (ip.startsWith('[') && ip.endsWith(']')) ip = ip.slice(1, -1);
  if (isIP(ip) === 0) throw invalidArgument(field, `invalid IP address in add-host: ${JSON.stringify(ip)}`);
}

export function checkPorts(config: ContainerConfig, hc: HostConfig, field = 'HostConfig'): void {
  for (const port of Object.keys(config.ExposedPorts ?? {})) {
    if (!isPortSpec(port)) throw invalidArgument(at('ExposedPorts', port), `invalid port specification: ${JSON.stringify(port)}`);
  }
  for (const [port, bindings] of Object.entries(hc.PortBindings ?? {})) {
    const f = at(at(field, 'PortBindings'), port);
    if (!isPortSpec(port)) throw invalidArgument(f, `invalid port specification: ${JSON.stringify(port)}`);
    bindings.forEach((b, i) => {
      const hostPort = b.HostPort ?? '';
      if (!isPortSpec(hostPort, true) || hostPort.includes('/')) {
        throw invalidArgument(at(at(f, i), 'HostPort'), `invalid port specification: ${JSON.stringify(hostPort)}`);
      }
      if (b.HostIp && isIP(b.HostIp) === 0) throw invalidArgument(at(at(f, i), 'HostIp'), `invalid IP address: ${JSON.stringify(b.HostIp)}`);
    });
  }
  hc.ExtraHosts?.forEach((e, i) => checkExtraHost(e, at(at(field, 'ExtraHosts'), i)));
}

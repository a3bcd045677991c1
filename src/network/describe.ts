/**
 * The driver's state in the shapes of Docker's Engine API: a network as
 * `GET /networks/{id}` returns it, a container's endpoint as in
 * NetworkSettings.Networks, its published ports as NetworkSettings.Ports.
 */
import type { EndpointRecord, NetworkRecord, PublishedPort } from './state.js';

export interface NetworkInspect {
  Name: string;
  Id: string;
  Created: string;
  Scope: 'local';
  Driver: 'bridge';
  EnableIPv4: true;
  EnableIPv6: false;
  IPAM: { Driver: 'default'; Options: Record<string, string>; Config: Array<{ Subnet: string; Gateway: string }> };
  Internal: boolean;
  Attachable: false;
  Ingress: false;
  ConfigFrom: { Network: string };
  ConfigOnly: false;
  Containers: Record<
    string,
    { Name: string; EndpointID: string; MacAddress: string; IPv4Address: string; IPv6Address: string }
  >;
  Options: Record<string, string>;
  Labels: Record<string, string>;
}

export interface EndpointInspect {
  IPAMConfig: { IPv4Address: string } | null;
  Links: null;
  Aliases: string[] | null;
  MacAddress: string;
  DriverOpts: null;
  NetworkID: string;
  EndpointID: string;
  Gateway: string;
  IPAddress: string;
  IPPrefixLen: number;
  IPv6Gateway: '';
  GlobalIPv6Address: '';
  GlobalIPv6PrefixLen: 0;
  DNSNames: string[] | null;
}

export type PortMapInspect = Record<string, Array<{ HostIp: string; HostPort: string }>>;

const prefixOf = (n: NetworkRecord) => Number(n.subnet.split('/')[1]);

export function describeNetwork(n: NetworkRecord): NetworkInspect {
  const containers: NetworkInspect['Containers'] = {};
  for (const e of Object.values(n.endpoints)) {
    containers[e.containerId] = {
      Name: e.name ?? '',
      EndpointID: e.endpointId,
      MacAddress: e.mac,
      IPv4Address: `${e.ip}/${prefixOf(n)}`,
      IPv6Address: '',
    };
  }
  return {
    Name: n.name,
    Id: n.id,
    Created: n.created,
    Scope: 'local',
    Driver: 'bridge',
    EnableIPv4: true,
    EnableIPv6: false,
    IPAM: { Driver: 'default', Options: {}, Config: [{ Subnet: n.subnet, Gateway: n.gateway }] },
    Internal: n.internal,
    Attachable: false,
    Ingress: false,
    ConfigFrom: { Network: '' },
    ConfigOnly: false,
    Containers: containers,
    Options: { 'com.docker.network.bridge.name': n.bridge },
    Labels: { ...n.labels },
  };
}

export function describeEndpoint(n: NetworkRecord, e: EndpointRecord): EndpointInspect {
  const names = [...(e.name ? [e.name] : []), ...e.aliases];
  return {
    IPAMConfig: e.requestedIp ? { IPv4Address: e.requestedIp } : null,
    Links: null,
    Aliases: e.aliases.length > 0 ? [...e.aliases] : null,
    MacAddress: e.mac,
    DriverOpts: null,
    NetworkID: n.id,
    EndpointID: e.endpointId,
    Gateway: n.internal ? '' : n.gateway,
    IPAddress: e.ip,
    IPPrefixLen: prefixOf(n),
    IPv6Gateway: '',
    GlobalIPv6Address: '',
    GlobalIPv6PrefixLen: 0,
    DNSNames: names.length > 0 ? names : null,
  };
}

export function describePorts(ports: readonly PublishedPort[]): PortMapInspect {
  const out: PortMapInspect = {};
  for (const p of ports) {
    (out[`${p.containerPort}/${p.proto}`] ??= []).push({ HostIp: p.hostIp || '0.0.0.0', HostPort: String(p.hostPort) });
  }
  return out;
}

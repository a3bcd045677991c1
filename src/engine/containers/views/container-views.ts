/** Containers in the shapes of Docker's API: inspect (`/containers/{id}/json`) and list (`/containers/json`). */
import type { ContainerRecord } from '../container.js';
import type { ContainerPaths } from '../paths.js';
import { humanDuration } from './human-duration.js';

export function statusText(record: ContainerRecord, now = Date.now()): string {
  const s = record.state;
  const since = (t: string) => humanDuration(now - Date.parse(t));
  switch (s.status) {
    case 'created':
      return 'Created';
    case 'running':
      return `Up ${since(s.startedAt)}`;
    case 'paused':
      return `Up ${since(s.startedAt)} (Paused)`;
    case 'restarting':
      return `Restarting (${s.exitCode}) ${since(s.finishedAt)} ago`;
    case 'removing':
      return 'Removal In Progress';
    case 'dead':
      return 'Dead';
    case 'exited':
      return `Exited (${s.exitCode}) ${since(s.finishedAt)} ago`;
  }
}

/** What the network layer knows of a container: its endpoints by network name, its published ports. */
export interface NetworkView {
  endpoints: Record<string, { IPAddress: string; Gateway: string; MacAddress: string; IPPrefixLen: number } & Record<string, unknown>>;
  ports: Record<string, Array<{ HostIp: string; HostPort: string }>>;
}

function networkSettings(record: ContainerRecord, net?: NetworkView): Record<string, unknown> {
  const mode = record.hostConfig.NetworkMode || 'bridge';
  if (net && Object.keys(net.endpoints).length > 0) {
    const first = net.endpoints['bridge'] ?? Object.values(net.endpoints)[0];
    return {
      Bridge: '',
      SandboxID: record.id,
      HairpinMode: false,
      LinkLocalIPv6Address: '',
      LinkLocalIPv6PrefixLen: 0,
      Ports: net.ports,
      SandboxKey: '',
      SecondaryIPAddresses: null,
      SecondaryIPv6Addresses: null,
      EndpointID: first?.['EndpointID'] ?? '',
      Gateway: first?.Gateway ?? '',
      GlobalIPv6Address: '',
      GlobalIPv6PrefixLen: 0,
      IPAddress: first?.IPAddress ?? '',
      IPPrefixLen: first?.IPPrefixLen ?? 0,
      IPv6Gateway: '',
      MacAddress: first?.MacAddress ?? '',
      Networks: net.endpoints,
    };
  }
  return {
    Bridge: '',
    SandboxID: '',
    HairpinMode: false,
    LinkLocalIPv6Address: '',
    LinkLocalIPv6PrefixLen: 0,
    Ports: net?.ports ?? {},
    SandboxKey: '',
    SecondaryIPAddresses: null,
    SecondaryIPv6Addresses: null,
    EndpointID: '',
    Gateway: '',
    GlobalIPv6Address: '',
    GlobalIPv6PrefixLen: 0,
    IPAddress: '',
    IPPrefixLen: 0,
    IPv6Gateway: '',
    MacAddress: '',
    Networks: { [mode === 'default' ? 'none' : mode]: { IPAMConfig: null, Links: null, Aliases: null, NetworkID: '', EndpointID: '', Gateway: '', IPAddress: '', IPPrefixLen: 0, IPv6Gateway: '', GlobalIPv6Address: '', GlobalIPv6PrefixLen: 0, MacAddress: '', DriverOpts: null } },
  };
}

export function inspectView(record: ContainerRecord, paths: ContainerPaths, execIds: string[], net?: NetworkView): Record<string, unknown> {
  const s = record.state;
  return {
    Id: record.id,
    Created: record.created,
    Path: record.path,
    Args: record.args,
    State: {
      Status: s.status,
      Running: s.status === 'running' || s.status === 'paused',
      Paused: s.status === 'paused',
      Restarting: s.status === 'restarting',
      OOMKilled: s.oomKilled,
      Dead: s.status === 'dead',
      Pid: s.pid,
      ExitCode: s.exitCode,
      Error: s.error,
      StartedAt: s.startedAt,
      FinishedAt: s.finishedAt,
    },
    Image: record.imageId,
    ResolvConfPath: paths.etc(record.id, 'resolv.conf'),
    HostnamePath: paths.etc(record.id, 'hostname'),
    HostsPath: paths.etc(record.id, 'hosts'),
    LogPath: paths.log(record.id),
    Name: `/${record.name}`,
    RestartCount: record.restartCount,
    Driver: 'overlay',
    Platform: 'linux',
    MountLabel: '',
    ProcessLabel: '',
    AppArmorProfile: '',
    ExecIDs: execIds.length > 0 ? execIds : null,
    HostConfig: {
      NetworkMode: 'bridge',
      RestartPolicy: { Name: 'no', MaximumRetryCount: 0 },
      LogConfig: { Type: 'json-file', Config: {} },
      ...record.hostConfig,
    },
    GraphDriver: { Name: 'overlay', Data: { MergedDir: paths.rootfs(record.id) } },
    Mounts: record.mounts,
    Config: record.config,
    NetworkSettings: networkSettings(record, net),
  };
}

/** Docker's list form of published ports: one entry per host binding. */
function portList(net?: NetworkView): Array<Record<string, unknown>> {
  const out: Array<Record<string, unknown>> = [];
  for (const [key, bindings] of Object.entries(net?.ports ?? {})) {
    const [port = '0', type = 'tcp'] = key.split('/');
    for (const b of bindings ?? []) out.push({ IP: b.HostIp || '0.0.0.0', PrivatePort: Number(port), PublicPort: Number(b.HostPort), Type: type });
  }
  return out;
}

export function summaryView(record: ContainerRecord, size?: { rw: number; rootFs: number }, net?: NetworkView): Record<string, unknown> {
  const view: Record<string, unknown> = {
    Id: record.id,
    Names: [`/${record.name}`],
    Image: record.imageName,
    ImageID: record.imageId,
    Command: [record.path, ...record.args].join(' '),
    Created: Math.floor(Date.parse(record.created) / 1000),
    Ports: portList(net),
    Labels: record.config.Labels ?? {},
    State: record.state.status,
    Status: statusText(record),
    HostConfig: { NetworkMode: record.hostConfig.NetworkMode || 'bridge' },
    NetworkSettings: { Networks: (networkSettings(record, net) as { Networks: unknown }).Networks },
    Mounts: record.mounts.map((m) => ({ ...m })),
  };
  if (size) {
    view['SizeRw'] = size.rw;
    view['SizeRootFs'] = size.rootFs;
  }
  return view;
}

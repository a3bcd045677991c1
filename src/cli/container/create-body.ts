/**
 * `run`/`create` flags → the request docker's CLI sends: POST
 * /containers/create?name=&platform= with a Config that embeds HostConfig
 * and NetworkingConfig. Field for field the same body as docker 28
 * (test/cli/create-body.test.ts compares them), zero values included, so
 * the daemon sees what it would see from docker.
 *
 * A value that does not parse fails as docker's flag errors do (FlagError,
 * exit 125 with the usage); a wrong combination as a plain Error.
 */
import { FlagError, all, bool, has, int, invalidFlag, str, type ParsedFlags } from '../flags.js';
import { flagDef } from './create-flags.js';
import { endpointsConfig } from './endpoint.js';
import { capabilities, extraHost, goDuration, parseDevice, parseRestartPolicy, parseUlimit, securityOpts, throttleDevice } from './host-options.js';
import { envList, kvMap, labelMap } from './kv.js';
import { parseMount, parseTmpfs, parseVolumes } from './mounts.js';
import { parsePublish } from './ports.js';
import { nanoCpus, ramInBytes } from './sizes.js';

export type PullPolicy = 'missing' | 'always' | 'never';

export interface CreateRequest {
  image: string;
  name?: string;
  platform?: string;
  pull: PullPolicy;
  quiet: boolean;
  cidfile?: string;
  body: Record<string, unknown>;
}

export interface CreateContext {
  /** `run -d`: nothing is attached */
  detach?: boolean;
  /** [height, width] of the local terminal, [0, 0] off one */
  consoleSize?: [number, number];
  env?: NodeJS.ProcessEnv;
}

/** Parses one flag's value, failing with docker's "invalid argument" message. */
function flagValue<T>(p: ParsedFlags, name: string, parse: (v: string) => T): T | undefined {
  const v = str(p, name);
  return v === undefined ? undefined : parseAs(name, v, parse);
}

function flagValues<T>(p: ParsedFlags, name: string, parse: (v: string) => T): T[] {
  return all(p, name).map((v) => parseAs(name, v, parse));
}

function parseAs<T>(name: string, v: string, parse: (v: string) => T): T {
  try {
    return parse(v);
  } catch (e) {
    throw invalidFlag(flagDef(name), v, (e as Error).message);
  }
}

const intOf = (p: ParsedFlags, name: string): number => int(p, flagDef(name)) ?? 0;

export function createRequest(p: ParsedFlags, c: CreateContext = {}): CreateRequest {
  const [image, ...cmd] = p.args;
  if (!image) throw new FlagError('requires at least 1 argument');
  const attach = flagValues(p, 'attach', (v) => {
    if (!['stdin', 'stdout', 'stderr'].includes(v.toLowerCase())) throw new Error('valid streams are STDIN, STDOUT and STDERR');
    return v.toLowerCase();
  });
  const interactive = bool(p, 'interactive');
  const memory = flagValue(p, 'memory', ramInBytes) ?? 0;
  const memorySwap = flagValue(p, 'memory-swap', (v) => (v === '-1' ? -1 : ramInBytes(v))) ?? 0;
  const ulimits = flagValues(p, 'ulimit', parseUlimit).sort((a, b) => a.Name.localeCompare(b.Name));
  const dns = flagValues(p, 'dns', (v) => {
    if (!/^[0-9a-fA-F:.]+$/.test(v) || (!v.includes(':') && !/^\d+\.\d+\.\d+\.\d+$/.test(v))) throw new Error(`IP address is not correctly formatted: ${v}`);
    return v;
  });
  const env = flagValues(p, 'env', (v) => v); // checked with the files below
  const pull = str(p, 'pull') ?? 'missing';
  if (!['missing', 'always', 'never'].includes(pull)) throw new Error(`invalid pull option: '${pull}': must be one of "always", "missing" or "never"`);

  const ports = parsePublish(all(p, 'publish'), all(p, 'expose'));
  const { binds, volumes } = parseVolumes(all(p, 'volume'));
  const mounts = flagValues(p, 'mount', parseMount);
  const restart = parseRestartPolicy(str(p, 'restart') ?? 'no');
  if (bool(p, 'rm') && restart.Name !== '' && restart.Name !== 'no') throw new Error('conflicting options: cannot specify both --restart and --rm');
  if (str(p, 'log-driver') === 'none' && all(p, 'log-opt').length > 0) throw new Error('invalid logging opts for driver none');
  const network = str(p, 'network') ?? str(p, 'net');
  const entrypoint = str(p, 'entrypoint');
  const detach = c.detach ?? false;
  const health = healthcheck(p);

  const config: Record<string, unknown> = {
    Hostname: str(p, 'hostname') ?? '',
    Domainname: str(p, 'domainname') ?? '',
    User: str(p, 'user') ?? '',
    AttachStdin: !detach && (interactive || attach.includes('stdin')),
    AttachStdout: !detach && (attach.length === 0 || attach.includes('stdout')),
    AttachStderr: !detach && (attach.length === 0 || attach.includes('stderr')),
    ...(Object.keys(ports.exposed).length > 0 ? { ExposedPorts: ports.exposed } : {}),
    Tty: bool(p, 'tty'),
    OpenStdin: interactive,
    StdinOnce: interactive && !detach,
    Env: envList(all(p, 'env-file'), env, c.env),
    Cmd: cmd.length > 0 ? cmd : null,
    ...(health ? { Healthcheck: health } : {}),
    Image: image,
    Volumes: volumes,
    WorkingDir: str(p, 'workdir') ?? '',
    Entrypoint: entrypoint === undefined ? null : [entrypoint],
    OnBuild: null,
    Labels: labelMap(all(p, 'label-file'), all(p, 'label')),
    ...(has(p, 'stop-signal') ? { StopSignal: str(p, 'stop-signal') } : {}),
    ...(has(p, 'stop-timeout') ? { StopTimeout: intOf(p, 'stop-timeout') } : {}),
  };
  const hostConfig: Record<string, unknown> = {
    Binds: binds.length > 0 ? binds : null,
    ContainerIDFile: str(p, 'cidfile') ?? '',
    LogConfig: { Type: str(p, 'log-driver') ?? '', Config: kvMap(all(p, 'log-opt'), 'log-opt') },
    NetworkMode: network ?? 'default',
    PortBindings: ports.bindings,
    RestartPolicy: restart,
    AutoRemove: bool(p, 'rm'),
    VolumeDriver: '',
    VolumesFrom: all(p, 'volumes-from').length > 0 ? all(p, 'volumes-from') : null,
    ConsoleSize: c.consoleSize ?? [0, 0],
    ...capabilities(all(p, 'cap-add'), all(p, 'cap-drop')),
    CgroupnsMode: str(p, 'cgroupns') ?? '',
    Dns: dns,
    DnsOptions: all(p, 'dns-option'),
    DnsSearch: all(p, 'dns-search'),
    ExtraHosts: all(p, 'add-host').length > 0 ? flagValues(p, 'add-host', extraHost) : null,
    GroupAdd: all(p, 'group-add').length > 0 ? all(p, 'group-add') : null,
    IpcMode: str(p, 'ipc') ?? '',
    Cgroup: '',
    Links: null,
    OomScoreAdj: intOf(p, 'oom-score-adj'),
    PidMode: str(p, 'pid') ?? '',
    Privileged: bool(p, 'privileged'),
    PublishAllPorts: bool(p, 'publish-all'),
    ReadonlyRootfs: bool(p, 'read-only'),
    SecurityOpt: securityOpts(all(p, 'security-opt')),
    ...(all(p, 'tmpfs').length > 0 ? { Tmpfs: parseTmpfs(all(p, 'tmpfs')) } : {}),
    UTSMode: str(p, 'uts') ?? '',
    UsernsMode: str(p, 'userns') ?? '',
    ShmSize: flagValue(p, 'shm-size', ramInBytes) ?? 0,
    ...(all(p, 'sysctl').length > 0 ? { Sysctls: kvMap(all(p, 'sysctl'), 'sysctl') } : {}),
    ...(has(p, 'runtime') ? { Runtime: str(p, 'runtime') } : {}),
    Isolation: str(p, 'isolation') ?? '',
    CpuShares: intOf(p, 'cpu-shares'),
    Memory: memory,
    NanoCpus: flagValue(p, 'cpus', nanoCpus) ?? 0,
    CgroupParent: str(p, 'cgroup-parent') ?? '',
    BlkioWeight: flagValue(p, 'blkio-weight', uint16) ?? 0,
    BlkioWeightDevice: [],
    BlkioDeviceReadBps: flagValues(p, 'device-read-bps', (v) => throttleDevice(v)),
    BlkioDeviceWriteBps: flagValues(p, 'device-write-bps', (v) => throttleDevice(v)),
    BlkioDeviceReadIOps: flagValues(p, 'device-read-iops', (v) => throttleDevice(v, true)),
    BlkioDeviceWriteIOps: flagValues(p, 'device-write-iops', (v) => throttleDevice(v, true)),
    CpuPeriod: intOf(p, 'cpu-period'),
    CpuQuota: intOf(p, 'cpu-quota'),
    CpuRealtimePeriod: 0,
    CpuRealtimeRuntime: 0,
    CpusetCpus: str(p, 'cpuset-cpus') ?? '',
    CpusetMems: str(p, 'cpuset-mems') ?? '',
    Devices: all(p, 'device').map(parseDevice),
    DeviceCgroupRules: null,
    DeviceRequests: null,
    MemoryReservation: flagValue(p, 'memory-reservation', ramInBytes) ?? 0,
    MemorySwap: memorySwap,
    MemorySwappiness: has(p, 'memory-swappiness') ? intOf(p, 'memory-swappiness') : -1,
    OomKillDisable: bool(p, 'oom-kill-disable'),
    PidsLimit: intOf(p, 'pids-limit'),
    Ulimits: ulimits,
    CpuCount: 0,
    CpuPercent: 0,
    IOMaximumIOps: 0,
    IOMaximumBandwidth: 0,
    ...(mounts.length > 0 ? { Mounts: mounts } : {}),
    MaskedPaths: null,
    ReadonlyPaths: null,
    ...(has(p, 'init') ? { Init: bool(p, 'init') } : {}),
  };
  const endpoints = endpointsConfig(network, all(p, 'network-alias'), str(p, 'ip'));
  const name = str(p, 'name');
  const platform = str(p, 'platform');
  const cidfile = str(p, 'cidfile');
  return {
    image,
    pull: pull as PullPolicy,
    quiet: bool(p, 'quiet'),
    ...(name ? { name } : {}),
    ...(platform ? { platform } : {}),
    ...(cidfile ? { cidfile } : {}),
    body: { ...config, HostConfig: hostConfig, NetworkingConfig: { EndpointsConfig: endpoints } },
  };
}

function uint16(v: string): number {
  if (!/^\d+$/.test(v)) throw new Error(`strconv.ParseUint: parsing "${v}": invalid syntax`);
  if (Number(v) > 65535) throw new Error(`strconv.ParseUint: parsing "${v}": value out of range`);
  return Number(v);
}

/** HEALTHCHECK from flags: only the fields given, as docker sends them (durations in nanoseconds). */
function healthcheck(p: ParsedFlags): Record<string, unknown> | undefined {
  const cmd = str(p, 'health-cmd');
  const interval = flagValue(p, 'health-interval', goDuration) ?? 0;
  const timeout = flagValue(p, 'health-timeout', goDuration) ?? 0;
  const start = flagValue(p, 'health-start-period', goDuration) ?? 0;
  const retries = intOf(p, 'health-retries');
  const any = !!cmd || interval !== 0 || timeout !== 0 || start !== 0 || retries !== 0;
  if (bool(p, 'no-healthcheck')) {
    if (any) throw new Error('--no-healthcheck conflicts with --health-* options');
    return { Test: ['NONE'] };
  }
  if (!any) return undefined;
  return {
    ...(cmd ? { Test: ['CMD-SHELL', cmd] } : {}),
    ...(interval ? { Interval: interval } : {}),
    ...(timeout ? { Timeout: timeout } : {}),
    ...(start ? { StartPeriod: start } : {}),
    ...(retries ? { Retries: retries } : {}),
  };
}

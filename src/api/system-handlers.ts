/** `/_ping`, `/version`, `/info` and `/auth`: what clients ask before anything else. */
import os from 'node:os';

import { RegistryClient, resolveEndpoint, type Credentials } from '../image/registry/index.js';
import { API_VERSION, MIN_API_VERSION } from './api-version.js';
import type { ApiContext } from './context.js';
import { engineId } from './engine-id.js';
import { cgroupVersion, goArch, operatingSystem } from './host-facts.js';
import { json, type Reply } from './reply.js';
import { summaryView } from '../engine/containers/views/container-views.js';

/** The body is "OK"; the headers every response carries (server.ts) tell the client the API version. */
export const ping = (): Reply => ({ type: 'text', body: 'OK' });

export function version(ctx: ApiContext): Reply {
  const details = {
    ApiVersion: API_VERSION,
    MinAPIVersion: MIN_API_VERSION,
    Os: 'linux',
    Arch: goArch(),
    KernelVersion: os.release(),
    GitCommit: '',
    GoVersion: 'n/a',
    BuildTime: '',
    Experimental: 'false',
  };
  return json({
    Platform: { Name: 'berth' },
    Components: [{ Name: 'Engine', Version: ctx.version, Details: details }],
    Version: ctx.version,
    ApiVersion: API_VERSION,
    MinAPIVersion: MIN_API_VERSION,
    GitCommit: '',
    GoVersion: 'n/a',
    Os: 'linux',
    Arch: goArch(),
    KernelVersion: os.release(),
    BuildTime: '',
  });
}

/** A truthful subset of docker's /info, plus where the daemon's log is (DaemonLog). */
export async function info(ctx: ApiContext): Promise<Reply> {
  const images = await ctx.images.list();
  const containers = ctx.engine.containers.list();
  const count = (...s: string[]) => containers.filter((c) => s.includes(c.state.status)).length;
  return json({
    ID: await engineId(ctx.root),
    Containers: containers.length,
    ContainersRunning: count('running', 'restarting'),
    ContainersPaused: count('paused'),
    ContainersStopped: count('exited', 'created', 'dead'),
    Images: images.length,
    Driver: 'overlayfs',
    DriverStatus: [],
    DockerRootDir: ctx.root,
    Plugins: { Volume: [], Network: [], Authorization: null, Log: ['json-file'] },
    MemoryLimit: true,
    SwapLimit: true,
    CpuCfsPeriod: true,
    CpuCfsQuota: true,
    CPUShares: true,
    CPUSet: true,
    PidsLimit: true,
    OomKillDisable: false,
    IPv4Forwarding: false,
    Debug: false,
    NFd: 0,
    NGoroutines: 0,
    SystemTime: new Date().toISOString(),
    LoggingDriver: 'json-file',
    CgroupDriver: 'cgroupfs',
    CgroupVersion: cgroupVersion(),
    NEventsListener: 0,
    KernelVersion: os.release(),
    OperatingSystem: operatingSystem(),
    OSVersion: '',
    OSType: 'linux',
    Architecture: os.machine(),
    IndexServerAddress: 'https://index.docker.io/v1/',
    RegistryConfig: { InsecureRegistryCIDRs: ['127.0.0.0/8'], IndexConfigs: {}, Mirrors: [] },
    NCPU: os.availableParallelism(),
    MemTotal: os.totalmem(),
    GenericResources: null,
    HttpProxy: process.env['HTTP_PROXY'] ?? '',
    HttpsProxy: process.env['HTTPS_PROXY'] ?? '',
    NoProxy: process.env['NO_PROXY'] ?? '',
    Name: os.hostname(),
    Labels: [],
    ExperimentalBuild: false,
    ServerVersion: ctx.version,
    Runtimes: { berth: { path: ctx.runtimePath } },
    DefaultRuntime: 'berth',
    Swarm: { NodeID: '', NodeAddr: '', LocalNodeState: 'inactive', ControlAvailable: false, Error: '', RemoteManagers: null },
    LiveRestoreEnabled: false,
    Isolation: '',
    InitBinary: '',
    SecurityOptions: ['name=seccomp,profile=default'],
    Warnings: [],
    DaemonLog: ctx.daemonLog ?? '',
    ExecRoot: ctx.engine.containers.paths.execRoot,
  });
}

/** `docker system df`: images, containers' writable layers, volumes. */
export async function df(ctx: ApiContext): Promise<Reply> {
  const { engine } = ctx;
  const images = await ctx.images.list();
  const records = engine.containers.list();
  const containers = [];
  for (const r of records) containers.push(summaryView(r, await engine.containers.size(r)));
  const users = (id: string) => records.filter((r) => r.imageId === id).length;
  const inUse = engine.volumesInUse();
  const volumes = [];
  for (const v of await engine.volumes.list()) {
    const size = await engine.volumes.usage(v.Name).catch(() => -1);
    volumes.push({ ...v, UsageData: { Size: size, RefCount: inUse.get(v.Name)?.length ?? 0 } });
  }
  return json({
    LayersSize: images.reduce((sum, i) => sum + i.Size, 0),
    Images: images.map((i) => ({ ...i, Containers: users(i.Id) })),
    Containers: containers,
    Volumes: volumes,
    BuildCache: [],
  });
}

/** `docker login` through the daemon: the registry checks the credentials; berthd keeps nothing. */
export async function auth(ctx: ApiContext, serverAddress: string, credentials: Credentials): Promise<Reply> {
  const registry = resolveEndpoint(serverAddress).name;
  const client = new RegistryClient(registry, { credentials, insecureRegistries: ctx.insecureRegistries });
  try {
    await client.ping();
  } finally {
    client.close();
  }
  return json({ Status: 'Login Succeeded', IdentityToken: '' });
}

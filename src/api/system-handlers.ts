/** `/_ping`, `/version`, `/info` and `/auth`: what clients ask before anything else. */
import os from 'node:os';

import { RegistryClient, resolveEndpoint, type Credentials } from '../image/registry/index.js';
import { API_VERSION, MIN_API_VERSION } from './api-version.js';
import type { ApiContext } from './context.js';
import { engineId } from './engine-id.js';
import { cgroupVersion, goArch, operatingSystem } from './host-facts.js';
import { json, type Reply } from './reply.js';

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

/** A truthful subset of docker's /info: containers arrive later, so there are none yet. */
export async function info(ctx: ApiContext): Promise<Reply> {
  const images = await ctx.images.list();
  return json({
    ID: await engineId(ctx.root),
    Containers: 0,
    ContainersRunning: 0,
    ContainersPaused: 0,
    ContainersStopped: 0,
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

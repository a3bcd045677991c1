/**
 * The container's mounts as Docker records them (inspect's "Mounts"):
 * `-v /host:/ctr[:ro]` binds, `-v name:/ctr` and `--mount type=volume`
 * named volumes, and an anonymous volume for every image VOLUME the user did
 * not cover. Resolved once, at create; the spec is built from these.
 */
import { mkdir, stat } from 'node:fs/promises';
import path from 'node:path';

import { errnoCode, invalidArgument } from '../../errors.js';
import type { ContainerConfig, HostConfig } from './config/index.js';

export interface MountPoint {
  Type: 'bind' | 'volume';
  /** volumes only */
  Name?: string;
  Source: string;
  Destination: string;
  Driver?: string;
  Mode: string;
  RW: boolean;
  Propagation: string;
}

/** What resolving needs from the volume service. */
export interface VolumeAccess {
  /** creates the volume if needed (anonymous when name is undefined); returns its name and host directory */
  ensure(name: string | undefined): Promise<{ name: string; mountpoint: string }>;
}

export async function resolveMountPoints(config: ContainerConfig, host: HostConfig, volumes: VolumeAccess): Promise<MountPoint[]> {
  const points: MountPoint[] = [];
  const taken = (dest: string) => points.some((p) => p.Destination === dest);
  const add = (p: MountPoint) => {
    if (taken(p.Destination)) throw invalidArgument('', `Duplicate mount point: ${p.Destination}`);
    points.push(p);
  };
  for (const bind of host.Binds ?? []) add(await fromBind(bind, volumes));
  for (const m of host.Mounts ?? []) {
    if (m.Type === 'tmpfs') continue; // the spec builder turns these into tmpfs mounts
    add(await fromMount(m, volumes));
  }
  const tmpfs = new Set(Object.keys(host.Tmpfs ?? {}).map((d) => path.posix.normalize(d)));
  for (const dest of Object.keys(config.Volumes ?? {})) {
    const d = path.posix.normalize(dest);
    if (taken(d) || tmpfs.has(d)) continue;
    const v = await volumes.ensure(undefined);
    points.push({ Type: 'volume', Name: v.name, Source: v.mountpoint, Destination: d, Driver: 'local', Mode: '', RW: true, Propagation: '' });
  }
  return points;
}

async function fromBind(spec: string, volumes: VolumeAccess): Promise<MountPoint> {
  const parts = spec.split(':');
  if (parts.length < 1 || parts.length > 3 || parts.some((p) => p === '')) throw invalidArgument('', `invalid volume specification: '${spec}'`);
  if (parts.length === 1) {
    const dest = checkDestination(spec, parts[0] as string);
    const v = await volumes.ensure(undefined);
    return { Type: 'volume', Name: v.name, Source: v.mountpoint, Destination: dest, Driver: 'local', Mode: '', RW: true, Propagation: '' };
  }
  const [source, target, mode = ''] = parts as [string, string, string?];
  const dest = checkDestination(spec, target);
  const opts = mode ? mode.split(',') : [];
  for (const o of opts) {
    if (!['ro', 'rw', 'z', 'Z', 'private', 'rprivate', 'shared', 'rshared', 'slave', 'rslave', 'nocopy'].includes(o)) {
      throw invalidArgument('', `invalid mode: ${o}`);
    }
  }
  const rw = !opts.includes('ro');
  const propagation = opts.find((o) => /^r?(private|shared|slave)$/.test(o)) ?? '';
  if (source.startsWith('/')) {
    // Docker creates a missing host directory for -v (not for --mount).
    await mkdir(source, { recursive: true });
    return { Type: 'bind', Source: path.posix.normalize(source), Destination: dest, Mode: mode, RW: rw, Propagation: propagation || 'rprivate' };
  }
  const v = await volumes.ensure(source);
  return { Type: 'volume', Name: v.name, Source: v.mountpoint, Destination: dest, Driver: 'local', Mode: mode || 'z', RW: rw, Propagation: '' };
}

interface MountSpec {
  Type?: string;
  Source?: string;
  Target?: string;
  ReadOnly?: boolean;
  BindOptions?: { Propagation?: string };
}

async function fromMount(m: MountSpec, volumes: VolumeAccess): Promise<MountPoint> {
  const target = m.Target ?? '';
  const dest = checkDestination(`target=${target}`, target);
  const rw = m.ReadOnly !== true;
  if (m.Type === 'bind') {
    const source = m.Source ?? '';
    if (!source.startsWith('/')) throw invalidArgument('', `invalid mount config for type "bind": invalid mount path: '${source}' mount path must be absolute`);
    try {
      await stat(source);
    } catch (e) {
      if (errnoCode(e) === 'ENOENT') throw invalidArgument('', `invalid mount config for type "bind": bind source path does not exist: ${source}`);
      throw e;
    }
    return { Type: 'bind', Source: source, Destination: dest, Mode: '', RW: rw, Propagation: m.BindOptions?.Propagation || 'rprivate' };
  }
  if (m.Type === 'volume' || m.Type === undefined) {
    const v = await volumes.ensure(m.Source || undefined);
    return { Type: 'volume', Name: v.name, Source: v.mountpoint, Destination: dest, Driver: 'local', Mode: 'z', RW: rw, Propagation: '' };
  }
  throw invalidArgument('', `mount type "${m.Type}" is not supported`);
}

function checkDestination(spec: string, dest: string): string {
  if (!dest.startsWith('/')) throw invalidArgument('', `invalid volume specification: '${spec}': invalid mount config for type "volume": invalid mount path: '${dest}' mount path must be absolute`);
  const d = path.posix.normalize(dest);
  if (d === '/') throw invalidArgument('', `invalid volume specification: '${spec}': invalid mount config: destination can't be '/'`);
  return d;
}

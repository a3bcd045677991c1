/**
 * Everything a start needs on disk before the runtime is called: the
 * rootfs mounted, /etc files written, the OCI spec built from the
 * container's configuration and saved as the bundle's config.json.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { ALL_CAPABILITIES, CAPABILITIES } from '../../oci/capabilities.js';
import type { Spec } from '../../oci/spec.js';
import { hostFacts } from '../../runtime/host.js';
import { secureJoin } from '../../runtime/plan/secure-join.js';
import { isMountPoint, mountAll } from '../../snapshot/mount-all.js';
import type { Mount } from '../../snapshot/mount.js';
import { buildSpec, hostDevices, resolveBlkioDevices, resolveDevices, resolveUser } from './spec/index.js';
import type { ContainerRecord } from './container.js';
import { writeEtcFiles } from './etc-files.js';
import type { ContainerPaths } from './paths.js';
import type { VolumeService } from '../volumes/index.js';

export interface BundleContext {
  paths: ContainerPaths;
  cgroupParent: string;
  cgroupVersion: 1 | 2;
  initPath: string | undefined;
  rootfsMounts(record: ContainerRecord): Promise<Mount[]>;
  volumes: VolumeService;
}

/** The capabilities in this process's bounding set: all a container can be given. */
function heldCapabilities(): string[] {
  const held = hostFacts().boundingCaps;
  return ALL_CAPABILITIES.filter((name) => {
    const n = CAPABILITIES[name];
    return n !== undefined && (held >> BigInt(n)) & 1n;
  });
}

export async function mountRootfs(ctx: BundleContext, record: ContainerRecord): Promise<string> {
  const rootfs = ctx.paths.rootfs(record.id);
  await mkdir(rootfs, { recursive: true });
  if (!(await isMountPoint(rootfs))) await mountAll(await ctx.rootfsMounts(record), rootfs);
  return rootfs;
}

/** The container's network namespace as the spec gets it: a new one (loopback only), the host's, or a path to join. */
export type NetworkChoice = { mode: 'new' } | { mode: 'host' } | { mode: 'path'; path: string };

export async function writeBundle(
  ctx: BundleContext,
  record: ContainerRecord,
  net: { choice: NetworkChoice; ip?: string | undefined; resolvConf?: string | undefined },
): Promise<{ bundle: string; spec: Spec }> {
  const rootfs = await mountRootfs(ctx, record);
  const { config, hostConfig } = record;
  const hostNetwork = net.choice.mode === 'host';
  await writeEtcFiles(ctx.paths, {
    id: record.id,
    hostname: config.Hostname ?? '',
    domainname: config.Domainname ?? '',
    extraHosts: hostConfig.ExtraHosts ?? [],
    dns: hostConfig.Dns ?? [],
    dnsSearch: hostConfig.DnsSearch ?? [],
    dnsOptions: hostConfig.DnsOptions ?? [],
    hostNetwork,
    ip: net.ip,
    resolvConf: net.resolvConf,
  });
  for (const m of record.mounts) {
    if (m.Type !== 'volume' || !m.Name) continue;
    m.Source = await ctx.volumes.mount(m.Name, record.id);
    // Docker copies what the image has at the mount point into a new, empty volume.
    if (!m.Mode.split(',').includes('nocopy')) await ctx.volumes.populateFromImage(m.Name, secureJoin(rootfs, m.Destination));
  }
  const user = await resolveUser(rootfs, config.User ?? '', hostConfig.GroupAdd ?? []);
  const spec = buildSpec({
    id: record.id,
    config,
    hostConfig,
    rootfs,
    files: {
      hosts: ctx.paths.etc(record.id, 'hosts'),
      hostname: ctx.paths.etc(record.id, 'hostname'),
      resolvConf: ctx.paths.etc(record.id, 'resolv.conf'),
    },
    mounts: record.mounts.map((m) => ({
      destination: m.Destination,
      type: 'bind',
      source: m.Source,
      options: ['rbind', m.RW ? 'rw' : 'ro', ...(m.Propagation ? [m.Propagation] : [])],
    })),
    user,
    network: net.choice,
    cgroupsPath: `${ctx.cgroupParent}/${record.id}`,
    cgroupnsPrivate: ctx.cgroupVersion === 2,
    hostCapabilities: heldCapabilities(),
    devices: hostConfig.Privileged ? await hostDevices() : await resolveDevices(hostConfig.Devices),
    blkioDevices: await resolveBlkioDevices(hostConfig),
    ...(ctx.initPath ? { initPath: ctx.initPath } : {}),
  });
  const bundle = ctx.paths.bundle(record.id);
  await mkdir(bundle, { recursive: true, mode: 0o700 });
  await writeFile(path.join(bundle, 'config.json'), JSON.stringify(spec));
  return { bundle, spec };
}

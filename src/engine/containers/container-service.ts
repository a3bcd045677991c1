/**
 * The containers of one daemon: create, start, stop, kill, pause, remove,
 * rename, wait, attach, as Docker does them. Each container's operations
 * run one at a time (KeyedLock); its processes live under a berth-shim, so
 * the daemon may die and come back (reconcile) without touching them.
 */
import { rm } from 'node:fs/promises';
import os from 'node:os';

import { conflict, invalidArgument, isBerthError, notFound } from '../../errors.js';
import type { CgroupManager } from '../../runtime/cgroups/manager.js';
import { LinuxRuntime } from '../../runtime/linux-runtime.js';
import { unmount } from '../../snapshot/mount-all.js';
import type { EventBus } from '../events/event-bus.js';
import type { ImageService } from '../images/image-service.js';
import type { NetworkService } from '../networks/network-service.js';
import type { VolumeService } from '../volumes/index.js';
import { mountRootfs, type BundleContext } from './build-bundle.js';
import { mergeImageConfig, type CreateRequest } from './config/index.js';
import { assertCan, initialState, isActive, type ContainerRecord } from './container.js';
import { ContainerStore } from './container-store.js';
import { ExitWaiters, type WaitCondition, type WaitResult } from './exit-waiters.js';
import { KeyedLock } from '../state/keyed-lock.js';
import { resolveMountPoints } from './mount-points.js';
import { checkContainerName, generateName, newContainerId } from './names.js';
import { ContainerPaths } from './paths.js';
import { RestartBackoff } from './restart-policy.js';

export interface ContainerServiceOptions {
  root: string;
  execRoot: string;
  images: ImageService;
  volumes: VolumeService;
  networks: NetworkService;
  events: EventBus;
  /** the cgroup every container's cgroup goes under ("berth") */
  cgroupParent: string;
  /** a static init for --init (tini), if the host has one */
  initPath?: string | undefined;
  /** json-file rotation: bytes per file and files kept */
  logMaxSize: number;
  logMaxFiles: number;
  log: (line: string) => void;
  cgroups?: CgroupManager;
}

export class ContainerService {
  readonly paths: ContainerPaths;
  readonly runtime: LinuxRuntime;
  readonly lock = new KeyedLock();
  readonly waiters = new ExitWaiters();
  readonly backoff = new RestartBackoff();
  /** restarts scheduled by a policy, cancelled by stop and rm */
  readonly restartTimers = new Map<string, NodeJS.Timeout>();

  private constructor(
    readonly options: ContainerServiceOptions,
    readonly store: ContainerStore,
  ) {
    this.paths = new ContainerPaths(options.root, options.execRoot);
    this.runtime = new LinuxRuntime({ root: this.paths.runtimeRoot(), ...(options.cgroups ? { cgroups: options.cgroups } : {}) });
  }

  static async open(options: ContainerServiceOptions): Promise<ContainerService> {
    return new ContainerService(options, await ContainerStore.open(options.root));
  }

  get events(): EventBus {
    return this.options.events;
  }

  bundleContext(): BundleContext {
    return {
      paths: this.paths,
      cgroupParent: this.options.cgroupParent,
      cgroupVersion: this.runtime.cgroups().version,
      initPath: this.options.initPath,
      rootfsMounts: (record) => this.options.images.stores.snapshots.mounts(record.snapshotKey),
      volumes: this.options.volumes,
    };
  }

  find(idOrName: string): ContainerRecord {
    return this.store.find(idOrName);
  }

  list(): ContainerRecord[] {
    return this.store.list().sort((a, b) => b.created.localeCompare(a.created));
  }

  save(record: ContainerRecord): Promise<void> {
    return this.store.save(record);
  }

  emit(record: ContainerRecord, action: string, extra: Record<string, string> = {}): void {
    this.events.emit('container', action, record.id, { image: record.imageName, name: record.name, ...record.config.Labels, ...extra });
  }

  async create(req: CreateRequest): Promise<ContainerRecord> {
    const image = await this.options.images.find(req.config.Image ?? '').catch((e: unknown) => {
      if (isBerthError(e, 'NotFound')) throw notFound('', `No such image: ${req.config.Image ?? ''}`);
      throw e;
    });
    const name = req.name ? checkContainerName(req.name) : generateName((n) => this.store.hasName(n));
    this.store.assertNameFree(name);
    const config = mergeImageConfig(req.config, image.resolved.config.config ?? {});
    const id = newContainerId();
    // Docker fixes the hostname at create: the short id, or the host's name with host networking.
    if (!config.Hostname) config.Hostname = req.hostConfig.NetworkMode === 'host' ? os.hostname() : id.slice(0, 12);
    const record: ContainerRecord = {
      id,
      name,
      created: new Date().toISOString(),
      imageName: req.config.Image ?? '',
      imageId: image.id,
      config,
      hostConfig: req.hostConfig,
      state: initialState(),
      restartCount: 0,
      snapshotKey: `container-${id}`,
      path: config.Entrypoint?.[0] ?? config.Cmd?.[0] ?? '',
      args: [...(config.Entrypoint ?? []), ...(config.Cmd ?? [])].slice(1),
      mounts: [],
    };
    if (req.networkingConfig) record.networkingConfig = req.networkingConfig;
    this.checkNetwork(record);
    await this.store.add(record);
    try {
      record.mounts = await resolveMountPoints(config, req.hostConfig, {
        ensure: async (volumeName) => {
          const v = await this.options.volumes.create(volumeName === undefined ? { anonymous: true } : { Name: volumeName });
          return { name: v.Name, mountpoint: v.Mountpoint };
        },
      });
      await this.options.images.prepareRootfs(image.id, record.snapshotKey);
      await this.store.save(record);
    } catch (e) {
      await this.options.images.releaseRootfs(record.snapshotKey).catch(() => {});
      await this.store.remove(record);
      throw e;
    }
    this.emit(record, 'create');
    return record;
  }

  /** The networks named exist, a container:<name> exists; host and none need nothing. */
  private checkNetwork(record: ContainerRecord): void {
    // A bad network name is the request's fault (400): the docker CLI reads a 404 from create as a missing image and pulls.
    try {
      const plan = this.options.networks.plan(record);
      if (plan.kind === 'container') this.find(plan.target);
      else this.options.networks.check(record);
    } catch (e) {
      if (isBerthError(e, 'NotFound')) throw invalidArgument('', e.message);
      throw e;
    }
  }

  /** Containers that run (or are about to): whose addresses a network's DNS answers. */
  active(): ContainerRecord[] {
    return this.list().filter(isActive);
  }

  async rename(idOrName: string, newName: string): Promise<void> {
    const record = this.find(idOrName);
    const name = checkContainerName(newName);
    if (name === record.name) throw conflict('', `Renaming a container with the same name as its current name`);
    const old = record.name;
    await this.store.rename(record, name);
    this.emit(record, 'rename', { oldName: `/${old}` });
  }

  wait(idOrName: string, condition: WaitCondition, signal?: AbortSignal): Promise<WaitResult> {
    return this.waiters.wait(this.find(idOrName), condition, signal);
  }

  /** Removes a stopped container (or, with force, kills it first); its anonymous volumes too with `volumes`. */
  async remove(record: ContainerRecord, options: { force?: boolean; volumes?: boolean; kill: (r: ContainerRecord) => Promise<void> }): Promise<void> {
    await this.lock.run(record.id, async () => {
      if (!this.store.lookup(record.id)) return;
      const status = record.state.status;
      if (status === 'removing') throw conflict('', `removal of container ${record.id} is already in progress`);
      if (!(options.force ?? false) && (status === 'running' || status === 'paused' || status === 'restarting')) assertCan(record, 'remove');
      this.cancelRestart(record.id);
      if (status === 'running' || status === 'paused' || status === 'restarting') await options.kill(record);
      record.state.status = 'removing';
      await this.releaseResources(record);
      await this.options.images.releaseRootfs(record.snapshotKey);
      await this.store.remove(record);
      if (options.volumes) {
        for (const m of record.mounts) {
          if (m.Type === 'volume' && m.Name && (await this.options.volumes.isAnonymous(m.Name))) {
            await this.options.volumes.remove(m.Name).catch(() => {});
          }
        }
      }
      this.backoff.forget(record.id);
      this.emit(record, 'destroy');
      this.waiters.removed(record);
    });
  }

  cancelRestart(id: string): void {
    const t = this.restartTimers.get(id);
    if (t) clearTimeout(t);
    this.restartTimers.delete(id);
  }

  /** Runs `fn` on a stopped container's root filesystem, mounted for the time of the call. */
  withStoppedRootfs<T>(record: ContainerRecord, fn: (root: string) => Promise<T>): Promise<T> {
    return this.lock.run(record.id, async () => {
      const root = await mountRootfs(this.bundleContext(), record);
      try {
        return await fn(root);
      } finally {
        await unmount(root);
      }
    });
  }

  /** Docker's SizeRw (the writable layer) and SizeRootFs (that plus the image). */
  async size(record: ContainerRecord): Promise<{ rw: number; rootFs: number }> {
    const rw = (await this.options.images.stores.snapshots.usage(record.snapshotKey).catch(() => ({ size: 0 }))).size;
    const image = await this.options.images.inspect(record.imageId).catch(() => undefined);
    return { rw, rootFs: rw + (image?.Size ?? 0) };
  }

  /** Host pids of the container's processes (its cgroup's). */
  pids(record: ContainerRecord): Promise<number[]> {
    return this.runtime.cgroups().open(`${this.options.cgroupParent}/${record.id}`).pids();
  }

  /** What a container holds while it runs (runtime state, cgroup, rootfs mount, shim dir): let go. */
  async releaseResources(record: ContainerRecord): Promise<void> {
    try {
      const task = await this.runtime.load(record.id);
      await task.delete(true);
    } catch (e) {
      if (!isBerthError(e, 'NotFound')) throw e;
    }
    await this.options.networks.leave(record, this.active());
    await unmount(this.paths.rootfs(record.id));
    for (const m of record.mounts) if (m.Type === 'volume' && m.Name) await this.options.volumes.unmount(m.Name, record.id).catch(() => {});
    await rm(this.paths.runDir(record.id), { recursive: true, force: true });
  }
}

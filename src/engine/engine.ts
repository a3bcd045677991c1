/**
 * berthd's engine: images, volumes and containers of one root, and what
 * happens to them (events). `open` also reconciles: containers that ran
 * under a previous daemon are found again through their shims.
 */
import { existsSync } from 'node:fs';
import { mkdir, rm, rmdir } from 'node:fs/promises';
import path from 'node:path';

import { detectCgroupManager } from '../runtime/cgroups/detect.js';
import { Attachments } from './containers/attachments.js';
import { ContainerService } from './containers/container-service.js';
import { ExecService } from './containers/exec/exec-service.js';
import { isActive, Lifecycle } from './containers/lifecycle.js';
import { restartsWithDaemon } from './containers/restart-policy.js';
import { ContainerStats } from './containers/container-stats.js';
import { EventBus } from './events/event-bus.js';
import { ImageService } from './images/image-service.js';
import { connectNetwork, disconnectNetwork } from './networks/connect.js';
import { NetworkService } from './networks/network-service.js';
import type { ContainerRecord } from './containers/container.js';
import { VolumeService } from './volumes/index.js';

export interface EngineOptions {
  root: string;
  execRoot: string;
  insecureRegistries?: string[];
  cgroupParent?: string;
  /** the default bridge's device name ("berth0") and our nftables table ("berth") */
  bridge?: string;
  nftTable?: string;
  logMaxSize?: number;
  logMaxFiles?: number;
  log?: (line: string) => void;
}

/** Static inits for --init, as Debian's tini package installs them. */
const INIT_CANDIDATES = ['/usr/bin/tini-static', '/usr/bin/docker-init', '/usr/libexec/docker/docker-init'];

export class Engine {
  private constructor(
    readonly images: ImageService,
    readonly volumes: VolumeService,
    readonly networks: NetworkService,
    readonly containers: ContainerService,
    readonly lifecycle: Lifecycle,
    readonly attachments: Attachments,
    readonly execs: ExecService,
    readonly stats: ContainerStats,
    readonly events: EventBus,
  ) {}

  static async open(options: EngineOptions): Promise<Engine> {
    const log = options.log ?? (() => {});
    await mkdir(options.root, { recursive: true, mode: 0o711 });
    await mkdir(options.execRoot, { recursive: true, mode: 0o711 });
    const images = await ImageService.open({ root: options.root, insecureRegistries: options.insecureRegistries ?? [] });
    // The volume service asks which volumes containers use; the containers are opened after it.
    let inUse: () => Map<string, string[]> = () => new Map();
    const volumes = await VolumeService.open(options.root, { inUse: async () => inUse() });
    const events = new EventBus();
    const networks = await NetworkService.open({
      root: options.root,
      execRoot: options.execRoot,
      bridge: options.bridge ?? 'berth0',
      table: options.nftTable ?? 'berth',
      log,
    });
    const cgroups = detectCgroupManager();
    const containers = await ContainerService.open({
      root: options.root,
      execRoot: options.execRoot,
      images,
      volumes,
      networks,
      events,
      cgroupParent: options.cgroupParent ?? 'berth',
      initPath: INIT_CANDIDATES.find((p) => existsSync(p)),
      logMaxSize: options.logMaxSize ?? 20 * 1024 * 1024,
      logMaxFiles: options.logMaxFiles ?? 5,
      log,
      cgroups,
    });
    const attachments = new Attachments();
    const lifecycle = new Lifecycle(containers, attachments);
    const engine = new Engine(images, volumes, networks, containers, lifecycle, attachments, new ExecService(containers), new ContainerStats(containers), events);
    inUse = () => engine.volumesInUse();
    await engine.reconcile(log);
    return engine;
  }

  private async reconcile(log: (line: string) => void): Promise<void> {
    // A create cut short by a crash: its directory and its writable layer go.
    for (const dir of await this.containers.store.orphanDirs()) {
      await this.images.releaseRootfs(`container-${path.basename(dir)}`).catch(() => {});
      await rm(dir, { recursive: true, force: true });
    }
    const records = this.containers.list();
    await Promise.all(
      records.map((r) =>
        this.containers.lock.run(r.id, () => this.lifecycle.reconcile(r)).catch((e: unknown) => log(`container ${r.id}: reconcile: ${String(e)}`)),
      ),
    );
    // Addresses and ports of containers that did not survive are freed; the default bridge is there.
    await this.networks.start(this.containers.active());
    for (const r of records) {
      if (!isActive(r) && this.containers.store.lookup(r.id) && restartsWithDaemon(r)) {
        await this.lifecycle.start(r).catch((e: unknown) => log(`container ${r.id}: restart with the daemon: ${String(e)}`));
      }
    }
  }

  connectNetwork(record: ContainerRecord, network: string, endpoint: Parameters<typeof connectNetwork>[4]): Promise<void> {
    return connectNetwork(this.containers, this.networks, record, network, endpoint);
  }

  disconnectNetwork(record: ContainerRecord, network: string): Promise<void> {
    return disconnectNetwork(this.containers, this.networks, record, network);
  }

  /** Volume names → the containers that mount them (for rm, prune and dangling filters). */
  volumesInUse(): Map<string, string[]> {
    const used = new Map<string, string[]>();
    for (const r of this.containers.list()) {
      for (const m of r.mounts) if (m.Name) used.set(m.Name, [...(used.get(m.Name) ?? []), r.id]);
    }
    return used;
  }

  /**
   * Lets go of the daemon's resources. Containers keep running under their
   * shims; the cgroup parent is removed only when no container is left in it.
   */
  async close(): Promise<void> {
    this.images.close();
    await this.networks.close();
    for (const id of [...this.containers.restartTimers.keys()]) this.containers.cancelRestart(id);
    if (this.containers.list().some(isActive)) return;
    // Nothing runs: the default bridge and, with the last network, our rules go too.
    await this.networks.removeIdleDefault().catch(() => {});
    const parent = this.containers.options.cgroupParent;
    for (const h of this.containers.runtime.cgroups().hierarchies(parent)) {
      await rmdir(h.hostPath).catch(() => {});
    }
  }
}

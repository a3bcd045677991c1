import os from 'node:os';

import type { ContainerRecord } from './container.js';
import type { ContainerService } from './container-service.js';
import { onlineCpus, readSystemCpuNs, StatsCache, toDockerStats, type StatsSample } from './stats/index.js';

/**
 * `docker stats` for berthd: samples read straight from each container's
 * cgroup, and a cache so that a one-shot answer (`stats --no-stream`) has a
 * previous sample to compute CPU % from without waiting a second.
 */
export class ContainerStats {
  private readonly cache: StatsCache;
  /** One read of /proc/stat serves the samples taken together (stats --no-stream asks for every container at once). */
  private systemCpu: { at: number; ns: Promise<number> } | undefined;

  constructor(private readonly svc: ContainerService) {
    this.cache = new StatsCache((id) => this.sample(id), { maxAgeMs: 10_000 });
  }

  private async sample(id: string): Promise<StatsSample> {
    const cgroup = this.svc.runtime.cgroups().open(`${this.svc.options.cgroupParent}/${id}`);
    const [stats, systemCpuNs] = await Promise.all([cgroup.stats(), this.systemCpuNs()]);
    return {
      read: new Date(),
      cgroup: stats,
      systemCpuNs,
      onlineCpus: onlineCpus(),
      memoryLimitFallback: os.totalmem(),
      cgroupVersion: this.svc.runtime.cgroups().version,
      memoryStat: stats.memory.stat,
    };
  }

  /** /proc/stat counts in 10 ms ticks: a read younger than 5 ms is as good as a new one. */
  private systemCpuNs(): Promise<number> {
    const now = performance.now();
    if (!this.systemCpu || now - this.systemCpu.at > 5) this.systemCpu = { at: now, ns: readSystemCpuNs() };
    return this.systemCpu.ns;
  }

  async oneShot(record: ContainerRecord): Promise<unknown> {
    const { current, previous } = await this.cache.oneShot(record.id);
    return toDockerStats(current, previous, { id: record.id, name: record.name });
  }

  async *stream(record: ContainerRecord, signal: AbortSignal): AsyncIterable<unknown> {
    for await (const { current, previous } of this.cache.stream(record.id, 1000, signal)) {
      yield toDockerStats(current, previous, { id: record.id, name: record.name });
    }
  }

  forget(id: string): void {
    this.cache.forget(id);
  }
}

import type { Resources } from '../../../oci/spec.js';
import { invalidArgument, notFound } from '../../../errors.js';
import type { Cgroup, CgroupStats } from '../manager.js';
import type { ResolvedOptions } from '../options.js';
import { signalCgroup } from '../kill.js';
import { pidsRecursive } from '../procs.js';
import { removeCgroupTree } from '../remove.js';
import { applyBlkioV1 } from './blkio.js';
import { applyCpuV1 } from './cpu.js';
import { applyCpusetV1 } from './cpuset.js';
import { applyDevicesV1 } from './devices.js';
import type { V1Dirs } from './dirs.js';
import { freezerStateV1, setFreezerStateV1 } from './freezer.js';
import { applyMemoryV1, validateMemoryV1 } from './memory.js';
import { applyHugetlbV1, applyNetworkV1, applyPidsV1 } from './misc.js';
import { readStatsV1 } from './stats.js';

/** Where pids() looks: a hierarchy every container process is in, preferring the cheap ones. */
const PIDS_FROM = ['pids', 'freezer', 'memory', 'cpu', 'devices'];

export class V1Cgroup implements Cgroup {
  readonly path: string;
  readonly procsDirs: string[];

  constructor(
    path: string,
    private readonly dirs: V1Dirs,
    private readonly opts: ResolvedOptions,
  ) {
    this.path = path;
    this.procsDirs = dirs.all.map((d) => d.path);
  }

  /**
   * Apply resources in runc's subsystem order (cpuset before the rest, so a
   * cgroup is usable as early as possible). Only what `r` mentions is written.
   */
  async update(r: Resources): Promise<void> {
    const ctx = this.dirs.ctx;
    if (r.unified !== undefined && Object.keys(r.unified).length > 0) {
      throw invalidArgument(ctx, 'unified: cgroup v2 resources cannot be applied on a cgroup v1 host');
    }
    if (r.memory) validateMemoryV1(ctx, r.memory);
    if (r.cpu) await applyCpusetV1(this.dirs, r.cpu);
    if (r.devices) await applyDevicesV1(this.dirs, r.devices);
    if (r.memory) await applyMemoryV1(this.dirs, r.memory);
    if (r.cpu) await applyCpuV1(this.dirs, r.cpu);
    if (r.pids) await applyPidsV1(this.dirs, r.pids);
    if (r.blockIO) await applyBlkioV1(this.dirs, r.blockIO);
    if (r.hugepageLimits && r.hugepageLimits.length > 0) await applyHugetlbV1(this.dirs, r.hugepageLimits);
    if (r.network) await applyNetworkV1(this.dirs, r.network);
  }

  async stats(): Promise<CgroupStats> {
    await this.mustExist();
    return readStatsV1(this.dirs);
  }

  async pids(): Promise<number[]> {
    const dir = PIDS_FROM.map((c) => this.dirs.optional(c)).find((d) => d !== undefined) ?? this.dirs.all[0];
    if (dir === undefined) return [];
    return [...new Set(await pidsRecursive(dir))].sort((a, b) => a - b);
  }

  async freeze(): Promise<void> {
    await setFreezerStateV1(this.dirs.dir('freezer', 'freezer.state'), 'FROZEN', this.opts.freezeTimeoutMs);
  }

  async thaw(): Promise<void> {
    await setFreezerStateV1(this.dirs.dir('freezer', 'freezer.state'), 'THAWED', this.opts.freezeTimeoutMs);
  }

  async killAll(signal: NodeJS.Signals): Promise<void> {
    const freezer = this.dirs.optional('freezer');
    await signalCgroup({
      ctx: this.dirs.ctx,
      pids: () => this.pids(),
      kill: this.opts.kill,
      signal,
      timeoutMs: this.opts.killTimeoutMs,
      // v1 frozen tasks keep a pending SIGKILL until thawed: thaw so they die.
      afterFirstPass: async () => {
        if (signal !== 'SIGKILL' || freezer === undefined || !(await freezer.has('freezer.state'))) return;
        if ((await freezerStateV1(freezer)) !== 'THAWED') await setFreezerStateV1(freezer, 'THAWED', this.opts.freezeTimeoutMs);
      },
    });
  }

  /** Remove the cgroup from every hierarchy; tries them all, then reports the first failure. */
  async destroy(): Promise<void> {
    let first: unknown;
    for (const dir of this.dirs.all) {
      try {
        await removeCgroupTree(this.opts.fs, this.dirs.ctx, dir.path, this.opts.destroyTimeoutMs);
      } catch (e) {
        first ??= e;
      }
    }
    if (first !== undefined) throw first;
  }

  async exists(): Promise<boolean> {
    for (const dir of this.dirs.all) if (await this.opts.fs.exists(dir.path)) return true;
    return false;
  }

  private async mustExist(): Promise<void> {
    if (!(await this.exists())) throw notFound(this.dirs.ctx);
  }
}

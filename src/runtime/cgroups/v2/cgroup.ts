import type { Resources } from '../../../oci/spec.js';
import { notFound, unavailable } from '../../../errors.js';
import type { CgroupDir } from '../cgroup-dir.js';
import { signalCgroup } from '../kill.js';
import type { Cgroup, CgroupStats } from '../manager.js';
import type { ResolvedOptions } from '../options.js';
import { pollUntil } from '../poll.js';
import { pidsRecursive } from '../procs.js';
import { removeCgroupTree } from '../remove.js';
import { controllersFor, enableControllers } from './controllers.js';
import { applyCpuV2, validateCpuV2 } from './cpu.js';
import { setFrozenV2 } from './freezer.js';
import { applyIoV2 } from './io.js';
import { applyMemoryV2, validateMemoryV2 } from './memory.js';
import { applyCpusetV2, applyHugetlbV2, applyPidsV2, applyUnifiedV2, validateUnified } from './misc.js';
import { readStatsV2 } from './stats.js';

export class V2Cgroup implements Cgroup {
  readonly procsDirs: string[];

  constructor(
    readonly path: string,
    private readonly root: string,
    private readonly dir: CgroupDir,
    private readonly opts: ResolvedOptions,
  ) {
    this.procsDirs = [dir.path];
  }

  /**
   * Enable what `r` needs in the ancestors, then write it. Validation comes
   * first so that a bad spec changes nothing. Device rules are not applied:
   * v2 has no devices files: the allow-list is an eBPF program
   * (src/runtime/devices) that the C core attaches to the cgroup before the
   * container's first process joins it.
   */
  async update(r: Resources): Promise<void> {
    const ctx = this.dir.ctx;
    if (r.memory) validateMemoryV2(ctx, r.memory);
    if (r.cpu) validateCpuV2(ctx, r.cpu);
    if (r.unified) validateUnified(ctx, r.unified);
    await enableControllers(this.opts.fs, ctx, this.root, this.path, controllersFor(r));
    if (r.pids) await applyPidsV2(this.dir, r.pids);
    if (r.memory) await applyMemoryV2(this.dir, r.memory);
    if (r.blockIO) await applyIoV2(this.dir, r.blockIO);
    if (r.cpu) await applyCpuV2(this.dir, r.cpu);
    if (r.cpu) await applyCpusetV2(this.dir, r.cpu);
    if (r.hugepageLimits && r.hugepageLimits.length > 0) await applyHugetlbV2(this.dir, r.hugepageLimits);
    // network (net_cls/net_prio) has no v2 controller; like runc, nothing to do.
    if (r.unified) await applyUnifiedV2(this.dir, r.unified);
  }

  async stats(): Promise<CgroupStats> {
    if (!(await this.exists())) throw notFound(this.dir.ctx);
    return readStatsV2(this.dir);
  }

  async pids(): Promise<number[]> {
    return [...new Set(await pidsRecursive(this.dir))].sort((a, b) => a - b);
  }

  freeze(): Promise<void> {
    return setFrozenV2(this.dir, true, this.opts.freezeTimeoutMs);
  }

  thaw(): Promise<void> {
    return setFrozenV2(this.dir, false, this.opts.freezeTimeoutMs);
  }

  /**
   * SIGKILL through cgroup.kill (5.14+) when there is one: the kernel kills
   * every task in the subtree at once, so nothing can fork its way out.
   * Otherwise, and for other signals, signal each pid.
   */
  async killAll(signal: NodeJS.Signals): Promise<void> {
    if (signal === 'SIGKILL' && (await this.dir.has('cgroup.kill'))) {
      await this.dir.write('cgroup.kill', '1');
      const emptied = await pollUntil(async () => (await this.pids()).length === 0, this.opts.killTimeoutMs);
      if (!emptied) throw unavailable(this.dir.ctx, `processes still present ${this.opts.killTimeoutMs} ms after cgroup.kill`);
      return;
    }
    await signalCgroup({ ctx: this.dir.ctx, pids: () => this.pids(), kill: this.opts.kill, signal, timeoutMs: this.opts.killTimeoutMs });
  }

  /** Removes the container's cgroup and any children; the shared parents ("berth") stay. */
  destroy(): Promise<void> {
    return removeCgroupTree(this.opts.fs, this.dir.ctx, this.dir.path, this.opts.destroyTimeoutMs);
  }

  exists(): Promise<boolean> {
    return this.opts.fs.exists(this.dir.path);
  }
}

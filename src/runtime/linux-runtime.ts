import { readFile, writeFile } from 'node:fs/promises';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';

import { BerthError, errnoCode, invalidArgument, isBerthError } from '../errors.js';
import type { Spec, State } from '../oci/spec.js';
import { validateSpec } from '../oci/validate.js';
import { detectCgroupManager } from './cgroups/detect.js';
import type { Cgroup, CgroupManager } from './cgroups/manager.js';
import { launch, type CoreLaunch, type CoreOptions } from './core-client.js';
import { runHooks } from './hooks.js';
import { effectiveResources } from './devices/device-rules.js';
import { compileDeviceFilter } from './devices/device-filter.js';
import { hostFacts } from './host.js';
import { writePidFile } from './pid-file.js';
import { buildInitPlan } from './plan/init-plan.js';
import { bootId, processStartTime } from './process-info.js';
import { compileSeccomp } from './seccomp/index.js';
import { discardShim } from './shim/launch.js';
import { SHIM_CONSOLE_SOCKET, shimOptionsFor, type ShimOptions } from './shim/options.js';
import { StateStore, type ContainerRecord } from './state-store.js';
import { Task } from './task.js';

export interface CreateOptions {
  consoleSocket?: string | undefined;
  pidFile?: string | undefined;
  /** the caller waits for the container to exit (run); otherwise it lives on its own */
  foreground?: boolean;
  stdio?: CoreOptions['stdio'];
  preserveFds?: number;
  /** run the container under berth-shim (berthd's way): not in the foreground, stdio and console are the shim's */
  shim?: ShimOptions;
}

export interface RuntimeOptions {
  /** state directory (runc's --root) */
  root: string;
  cgroups?: CgroupManager;
}

/**
 * The Linux runtime: OCI bundles in, containers out. The CLI
 * (berth-runtime) and, later, the daemon call this library directly.
 */
export class LinuxRuntime {
  readonly store: StateStore;
  private cgroupManager: CgroupManager | undefined;

  constructor(options: RuntimeOptions) {
    this.store = new StateStore(options.root);
    this.cgroupManager = options.cgroups;
  }

  cgroups(): CgroupManager {
    if (!this.cgroupManager) this.cgroupManager = detectCgroupManager();
    return this.cgroupManager;
  }

  /** Creates the container: its process waits at the start gate until `start`. */
  async create(id: string, bundle: string, options: CreateOptions = {}): Promise<Task> {
    const context = `container "${id}"`;
    const stateDir = await this.store.reserve(id);
    let cgroup: Cgroup | undefined;
    let launched: CoreLaunch | undefined;
    try {
      const bundleDir = path.resolve(bundle);
      const spec = await loadBundleSpec(bundleDir);
      const rootfs = path.resolve(bundleDir, spec.root?.path ?? '');
      if (!existsSync(rootfs) || !statSync(rootfs).isDirectory()) {
        throw invalidArgument('root.path', `${rootfs} is not a directory`);
      }
      const cgroupPath = spec.linux?.cgroupsPath || `berth/${id}`;
      const resources = effectiveResources(spec);
      cgroup = await this.cgroups().create(cgroupPath, resources);
      const deviceRules = resources?.devices ?? [];
      const deviceFilter =
        this.cgroups().version === 2 && deviceRules.length > 0 && cgroup.procsDirs[0]
          ? { cgroupDir: cgroup.procsDirs[0], program: compileDeviceFilter(deviceRules) }
          : undefined;
      const seccomp = spec.linux?.seccomp ? compileSeccomp(spec.linux.seccomp) : undefined;
      const shim = options.shim && shimOptionsFor(options.shim, spec.process?.terminal === true);
      const plan = buildInitPlan({
        spec,
        bundle: bundleDir,
        rootfs,
        stateDir,
        cgroupProcsDirs: cgroup.procsDirs,
        deviceFilter,
        hierarchies: this.cgroups().hierarchies(cgroupPath),
        host: hostFacts(),
        seccomp,
        consoleSocket: shim?.terminal ? SHIM_CONSOLE_SOCKET : options.consoleSocket,
        foreground: options.foreground === true,
        preserveFds: options.preserveFds ?? 0,
      });
      launched = await launch(plan, {
        stdio: options.stdio ?? ['inherit', 'inherit', 'inherit'],
        preserved: Array.from({ length: options.preserveFds ?? 0 }, (_, i) => 3 + i),
        foreground: options.foreground === true,
        shim,
      });
      const record: ContainerRecord = {
        id,
        bundle: bundleDir,
        rootfs,
        pid: launched.pid,
        pidStartTime: processStartTime(launched.pid) ?? 0,
        bootId: bootId(),
        created: new Date().toISOString(),
        cgroupPath,
        ociVersion: spec.ociVersion,
        annotations: spec.annotations ?? {},
      };
      if (spec.hooks) record.hooks = spec.hooks;
      await writeFile(path.join(stateDir, 'config.json'), JSON.stringify(spec));
      await this.store.save(record);
      if (options.pidFile) await writePidFile(options.pidFile, launched.pid);
      // Under a shim, waiting holds a connection: only when asked to.
      const done = launched;
      const task = new Task(this, record, spec, done.shim ? () => done.exited : done.exited);
      const state = await task.state();
      await runHooks('prestart', spec.hooks?.prestart, state);
      await runHooks('createRuntime', spec.hooks?.createRuntime, state);
      return task;
    } catch (e) {
      await this.abandon(id, launched, cgroup);
      throw withContext(e, context);
    }
  }

  /** Undoes a half-done create: no process, cgroup or state may be left behind. */
  private async abandon(id: string, launched: CoreLaunch | undefined, cgroup: Cgroup | undefined): Promise<void> {
    if (launched) {
      try {
        process.kill(launched.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    await cgroup?.killAll('SIGKILL').catch(() => {});
    // The shim reaps the container's process; it ends once that is gone.
    if (launched?.shim) await discardShim(launched.shim).catch(() => {});
    await cgroup?.destroy().catch(() => {});
    await this.store.remove(id);
  }

  /** A container created earlier (by this or another process). */
  async load(id: string): Promise<Task> {
    const record = await this.store.load(id);
    let spec: Spec;
    try {
      spec = JSON.parse(await readFile(path.join(this.store.dir(id), 'config.json'), 'utf8')) as Spec;
    } catch {
      spec = { ociVersion: record.ociVersion };
    }
    return new Task(this, record, spec, undefined);
  }

  async list(): Promise<State[]> {
    const states: State[] = [];
    for (const id of await this.store.list()) {
      try {
        states.push(await (await this.load(id)).state());
      } catch (e) {
        if (!isBerthError(e, 'NotFound')) throw e;
      }
    }
    return states;
  }
}

export async function loadBundleSpec(bundle: string): Promise<Spec> {
  const file = path.join(bundle, 'config.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') throw invalidArgument('bundle', `${file} does not exist`);
    throw e;
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw invalidArgument('config.json', `invalid JSON: ${(e as Error).message}`);
  }
  return validateSpec(json);
}


function withContext(e: unknown, context: string): unknown {
  if (e instanceof BerthError) return e.context.startsWith(context) ? e : e.within(context);
  return e;
}

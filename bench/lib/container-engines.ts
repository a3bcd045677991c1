/**
 * The three engines of the container benchmark, each with the same busybox
 * image imported, and the four ways of driving them that it compares:
 * the berth CLI → berthd, the docker CLI → berthd, the docker CLI → a
 * private dockerd (Debian's docker.io), podman. Everything lives under one
 * directory; close() stops and removes all of it.
 */
import { existsSync } from 'node:fs';
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

import { busyboxTarball } from '../../test/fixtures/busybox-image.js';
import { BERTH_CLI, Berthd, type BerthdNames } from './berthd.js';
import { existingCgroups, removeNewCgroups } from './cgroup-dirs.js';
import { mustCli, type CliCommand } from './cli-run.js';
import { DOCKER_CLI, Dockerd, unmountUnder } from './dockerd.js';
import { Podman } from './podman.js';
import { killStragglers } from './processes.js';
import { run } from './timed-command.js';

export type EngineKey = 'berthd' | 'dockerd' | 'podman';
export type VariantKey = 'berth' | 'docker-berthd' | 'docker' | 'podman';

export interface Variant {
  key: VariantKey;
  label: string;
  engine: EngineKey;
  cli(args: string[]): CliCommand;
}

export const IMAGE = 'berth-bench/busybox:1';
/** A container that idles until removed. */
export const SLEEP = ['sleep', '1000000'];
/** Every container of the benchmark, on every engine: no network (berthd has none yet; its containers get loopback only). */
export const NO_NET = ['--network', 'none'];

export class Engines {
  berthd: Berthd | undefined;
  dockerd: Dockerd | undefined;
  podman: Podman | undefined;
  /** berthd's cgroup parent, default bridge and nftables table: this run's own */
  readonly berthdNames: BerthdNames = {
    cgroupParent: `berth-bench-${process.pid}`,
    bridge: `bbench${process.pid}`.slice(0, 15),
    nftTable: `berth_bench_${process.pid}`,
  };
  private readonly cgroupNames = [this.berthdNames.cgroupParent, 'libpod_parent', 'docker'];
  private readonly cgroupsBefore: Set<string>;
  private readonly cliConfig: string;
  /** The berth CLI's environment. Without NODE_EXTRA_CA_CERTS (set on this host, unusual elsewhere): it costs every Node start-up ~35 ms of reading certificates. */
  private readonly berthEnv: NodeJS.ProcessEnv;

  constructor(readonly dir: string) {
    this.cgroupsBefore = existingCgroups(this.cgroupNames);
    this.cliConfig = join(dir, 'cli-config');
    const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_CONFIG: this.cliConfig };
    delete env['NODE_EXTRA_CA_CERTS'];
    delete env['DOCKER_HOST'];
    delete env['BERTH_HOST'];
    this.berthEnv = env;
  }

  async open(log: (s: string) => void): Promise<void> {
    await mkdir(this.cliConfig, { recursive: true });
    const tar = await busyboxTarball(this.dir);
    log('starting berthd');
    this.berthd = await Berthd.start(join(this.dir, 'berthd'), this.berthdNames);
    log('starting dockerd');
    this.dockerd = await Dockerd.start(join(this.dir, 'docker'));
    this.podman = await Podman.setup(join(this.dir, 'podman'));
    log(`importing ${IMAGE} into the three engines`);
    await mustCli(this.cli('berthd', ['import', '--change', 'CMD ["sh"]', tar, IMAGE]));
    await mustCli(this.cli('dockerd', ['import', '--change', 'CMD ["sh"]', tar, IMAGE]));
    await this.podman.importImage(tar, IMAGE);
    await rm(tar);
  }

  private get b(): Berthd {
    if (!this.berthd) throw new Error('berthd is not running');
    return this.berthd;
  }

  private get d(): Dockerd {
    if (!this.dockerd) throw new Error('dockerd is not running');
    return this.dockerd;
  }

  private get p(): Podman {
    if (!this.podman) throw new Error('podman is not set up');
    return this.podman;
  }

  variants(): Variant[] {
    return [
      { key: 'berth', label: 'berth CLI → berthd', engine: 'berthd', cli: (a) => this.cli('berthd', a) },
      {
        key: 'docker-berthd',
        label: 'docker CLI → berthd',
        engine: 'berthd',
        cli: (a) => ({ file: DOCKER_CLI, args: ['-H', this.b.host, ...a], env: { ...this.berthEnv } }),
      },
      { key: 'docker', label: 'docker CLI → dockerd', engine: 'dockerd', cli: (a) => this.cli('dockerd', a) },
      { key: 'podman', label: 'podman', engine: 'podman', cli: (a) => this.cli('podman', a) },
    ];
  }

  /** The engine's own CLI: berth for berthd (also for set-up and removal), docker for dockerd, podman. */
  cli(engine: EngineKey, args: string[]): CliCommand {
    switch (engine) {
      case 'berthd':
        return { file: BERTH_CLI, args: ['-H', this.b.host, ...args], env: this.berthEnv };
      case 'dockerd':
        return { file: DOCKER_CLI, args: [...this.d.hostArgs, ...args], env: this.d.cliEnv };
      case 'podman':
        return { file: 'podman', args: [...this.p.args, ...args], env: this.p.env };
    }
  }

  /** Starts `n` sleeping containers, one after another; returns their ids. */
  async startSleepers(engine: EngineKey, n: number): Promise<string[]> {
    const ids: string[] = [];
    for (let i = 0; i < n; i++) ids.push((await mustCli(this.cli(engine, ['run', '-d', ...NO_NET, IMAGE, ...SLEEP]))).trim());
    return ids;
  }

  async containerIds(engine: EngineKey): Promise<string[]> {
    return (await mustCli(this.cli(engine, ['ps', '-aq', '--no-trunc'])))
      .split('\n')
      .map((s) => s.trim())
      .filter(Boolean);
  }

  /** Force-removes every container of the engine but `keep`. */
  async removeAll(engine: EngineKey, keep: string[] = []): Promise<void> {
    const ids = (await this.containerIds(engine)).filter((id) => !keep.some((k) => id.startsWith(k)));
    if (ids.length === 0) return;
    // podman: -t 0, or it waits 10 s for a `sleep` PID 1 to ignore SIGTERM (PEERS.md).
    await mustCli(this.cli(engine, ['rm', '-f', ...(engine === 'podman' ? ['-t', '0'] : []), ...ids]), 120_000);
  }

  async versions(): Promise<Record<EngineKey | 'dockerCli', string>> {
    return {
      berthd: `berth ${(await mustCli(this.cli('berthd', ['version', '--format', '{{.Server.Version}}']))).trim()}`,
      dockerd: `dockerd ${await this.d.version()} (Debian docker.io)`,
      dockerCli: `docker CLI ${(await mustCli(this.cli('dockerd', ['version', '--format', '{{.Client.Version}}']))).trim()}`,
      podman: `${await this.p.version()} with ${(await mustCli({ file: 'runc', args: ['--version'], env: process.env })).split('\n')[0] ?? 'runc'}`,
    };
  }

  /** berthd removes its bridge and table when it stops with no container left; anything still there is a leftover (removed, and reported). */
  private async removeBerthdNetwork(): Promise<void> {
    const left: string[] = [];
    const { bridge, nftTable } = this.berthdNames;
    if (existsSync(`/sys/class/net/${bridge}`)) {
      await run('ip', ['link', 'delete', bridge]);
      left.push(`the bridge ${bridge}`);
    }
    if ((await run('nft', ['list', 'tables']).catch(() => '')).includes(`inet ${nftTable}\n`)) {
      await run('nft', ['delete', 'table', 'inet', nftTable]);
      left.push(`the nftables table inet ${nftTable}`);
    }
    if (left.length > 0) throw new Error(`berthd left ${left.join(' and ')} behind (now removed)`);
  }

  /** Best effort on every path: containers, daemons, stray processes, mounts, cgroups, the directory. Returns the problems. */
  async close(): Promise<string[]> {
    const problems: string[] = [];
    const attempt = async (what: string, f: () => Promise<unknown>): Promise<void> => {
      try {
        await f();
      } catch (e) {
        problems.push(`${what}: ${(e as Error).message}`);
      }
    };
    for (const engine of ['berthd', 'dockerd', 'podman'] as const) {
      if (engine === 'berthd' ? this.berthd : engine === 'dockerd' ? this.dockerd : this.podman) {
        await attempt(`removing the containers of ${engine}`, () => this.removeAll(engine));
      }
    }
    await attempt('stopping berthd', async () => this.berthd?.stop());
    await attempt("berthd's network", () => this.removeBerthdNetwork());
    await attempt('stopping dockerd', async () => this.dockerd?.stop());
    await attempt('stray processes', async () => {
      const killed = await killStragglers(this.dir);
      if (killed.length > 0) throw new Error(`left running, now killed:\n    ${killed.join('\n    ')}`);
    });
    await attempt('unmounting', () => unmountUnder(this.dir));
    const cg = removeNewCgroups(this.cgroupsBefore, this.cgroupNames);
    problems.push(...cg.problems);
    await attempt(`removing ${this.dir}`, () => rm(this.dir, { recursive: true, force: true }));
    return problems;
  }
}

/**
 * The three engines of the network benchmark with bridge networking on, the
 * busybox image imported into each, and the four ways of driving them that
 * container-engines.ts compares (berth CLI → berthd, docker CLI → berthd,
 * docker CLI → dockerd, podman): container-engines.ts's Engines, but with
 * net-daemons.ts's daemons and net-podman.ts's podman. Everything lives under
 * one directory; close() stops and removes all of it and undoes what the
 * engines left on the host's network.
 */
import { mkdir, rm } from 'node:fs/promises';
import { join } from 'node:path';

import { busyboxTarball } from '../../test/fixtures/busybox-image.js';
import { BERTH_CLI } from './berthd.js';
import { existingCgroups, removeNewCgroups } from './cgroup-dirs.js';
import { mustCli, type CliCommand } from './cli-run.js';
import type { EngineKey, VariantKey } from './container-engines.js';
import { unmountUnder } from './dockerd.js';
import { BridgedBerthd, BridgedDockerd, DOCKER_CLI } from './net-daemons.js';
import { freeSubnets, type OurNames } from './net-host.js';
import { bridgedPodman } from './net-podman.js';
import type { Podman } from './podman.js';
import { killStragglers } from './processes.js';

export type { EngineKey, VariantKey };

export interface NetVariant {
  key: VariantKey;
  label: string;
  engine: EngineKey;
  cli(args: string[]): CliCommand;
}

export const IMAGE = 'berth-bench/busybox:1';

export class NetEngines {
  berthd: BridgedBerthd | undefined;
  dockerd: BridgedDockerd | undefined;
  podman: Podman | undefined;
  readonly names: OurNames & { berthBridge: string; cniBridge: string; dockerBridge: string; cniNetwork: string; dockerSubnet: string; podmanSubnet: string };
  private readonly berthCgroup = `berth-bench-net-${process.pid}`;
  private readonly dockerCgroup = `berth-bench-net-docker-${process.pid}`;
  private readonly cgroupNames = [this.berthCgroup, this.dockerCgroup, 'libpod_parent', 'docker'];
  private readonly cgroupsBefore: Set<string>;
  private readonly cliConfig: string;
  /** The berth CLI's environment: as container-engines.ts runs it (no NODE_EXTRA_CA_CERTS, no DOCKER_HOST). */
  private readonly berthEnv: NodeJS.ProcessEnv;

  constructor(readonly dir: string) {
    this.cgroupsBefore = existingCgroups(this.cgroupNames);
    this.cliConfig = join(dir, 'cli-config');
    const env: NodeJS.ProcessEnv = { ...process.env, DOCKER_CONFIG: this.cliConfig };
    delete env['NODE_EXTRA_CA_CERTS'];
    delete env['DOCKER_HOST'];
    delete env['BERTH_HOST'];
    this.berthEnv = env;
    const id = process.pid % 10_000_000;
    const berthBridge = `bnet${id}`;
    const cniBridge = `cni-bnet${id}`;
    const dockerBridge = `dnet${id}`;
    this.names = {
      berthBridge,
      cniBridge,
      dockerBridge,
      cniNetwork: `bnet${id}`,
      bridges: [berthBridge, cniBridge, dockerBridge],
      table: `inet berth_bench_net_${id}`,
      dockerSubnet: '',
      podmanSubnet: '',
    };
  }

  async open(log: (s: string) => void): Promise<void> {
    await mkdir(this.cliConfig, { recursive: true });
    const tar = await busyboxTarball(this.dir);
    log(`starting berthd (bridge ${this.names.berthBridge}, nftables table ${this.names.table})`);
    this.berthd = await BridgedBerthd.start(join(this.dir, 'berthd'), {
      cgroupParent: this.berthCgroup,
      bridge: this.names.berthBridge,
      table: this.names.table.replace(/^inet /, ''),
    });
    // After berthd: its bridge's route is in place, so the subnets chosen here stay clear of it.
    const [d, p] = (await freeSubnets(2)) as [Awaited<ReturnType<typeof freeSubnets>>[number], Awaited<ReturnType<typeof freeSubnets>>[number]];
    this.names.dockerSubnet = d.subnet;
    this.names.podmanSubnet = p.subnet;
    log(`starting dockerd (bridge ${this.names.dockerBridge} on ${d.subnet})`);
    this.dockerd = await BridgedDockerd.start(join(this.dir, 'docker'), { bridge: this.names.dockerBridge, bip: d.bip, cgroupParent: this.dockerCgroup });
    log(`setting up podman (CNI network ${this.names.cniNetwork}, bridge ${this.names.cniBridge} on ${p.subnet})`);
    this.podman = await bridgedPodman(join(this.dir, 'podman'), { name: this.names.cniNetwork, bridge: this.names.cniBridge, subnet: p.subnet, gateway: p.gateway });
    log(`importing ${IMAGE} into the three engines`);
    await mustCli(this.cli('berthd', ['import', '--change', 'CMD ["sh"]', tar, IMAGE]));
    await mustCli(this.cli('dockerd', ['import', '--change', 'CMD ["sh"]', tar, IMAGE]));
    await this.podman.importImage(tar, IMAGE);
    await rm(tar);
  }

  private get b(): BridgedBerthd {
    if (!this.berthd) throw new Error('berthd is not running');
    return this.berthd;
  }

  private get d(): BridgedDockerd {
    if (!this.dockerd) throw new Error('dockerd is not running');
    return this.dockerd;
  }

  private get p(): Podman {
    if (!this.podman) throw new Error('podman is not set up');
    return this.podman;
  }

  socket(engine: 'berthd' | 'dockerd'): string {
    return engine === 'berthd' ? this.b.socket : this.d.socket;
  }

  variants(): NetVariant[] {
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

  async containerIds(engine: EngineKey): Promise<string[]> {
    return (await mustCli(this.cli(engine, ['ps', '-aq', '--no-trunc'])))
      .split('\n')
      .map((s) => s.trim())
      .filter(Boolean);
  }

  /** Force-removes every container of the engine but `keep`. */
  async removeAll(engine: EngineKey, keep: string[] = []): Promise<void> {
    const ids = (await this.containerIds(engine)).filter((id) => !keep.some((k) => id.startsWith(k)));
    if (ids.length > 0) await this.remove(engine, ids);
  }

  /** `rm -f` (podman: -t 0, or it waits 10 s for a PID 1 that ignores SIGTERM). */
  async remove(engine: EngineKey, ids: string[]): Promise<void> {
    await mustCli(this.cli(engine, ['rm', '-f', ...(engine === 'podman' ? ['-t', '0'] : []), ...ids]), 120_000);
  }

  async versions(): Promise<Record<EngineKey | 'dockerCli', string>> {
    return {
      berthd: `berth ${(await mustCli(this.cli('berthd', ['version', '--format', '{{.Server.Version}}']))).trim()}`,
      dockerd: `dockerd ${await this.d.version()} (Debian docker.io)`,
      dockerCli: `docker CLI ${(await mustCli(this.cli('dockerd', ['version', '--format', '{{.Client.Version}}']))).trim()}`,
      podman: `${(await mustCli(this.cli('podman', ['--version']))).trim()} with ${(await mustCli({ file: 'runc', args: ['--version'], env: process.env })).split('\n')[0] ?? 'runc'}, CNI plugins ${await cniVersion()}`,
    };
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
    await attempt('stopping dockerd', async () => this.dockerd?.stop());
    await attempt('stray processes', async () => {
      const killed = await killStragglers(this.dir);
      if (killed.length > 0) throw new Error(`left running, now killed:\n    ${killed.join('\n    ')}`);
    });
    await attempt('unmounting', () => unmountUnder(this.dir));
    problems.push(...removeNewCgroups(this.cgroupsBefore, this.cgroupNames).problems);
    await attempt(`removing ${this.dir}`, () => rm(this.dir, { recursive: true, force: true }));
    return problems;
  }
}

async function cniVersion(): Promise<string> {
  const r = await mustCli({ file: 'dpkg-query', args: ['-W', '-f', '${Version}', 'containernetworking-plugins'], env: process.env }).catch(() => '?');
  return r.trim();
}

/**
 * The pull benchmark: pull + unpack of a multi-layer Debian image (bookworm
 * with python3, about 130 MB unpacked, cut into three layers by
 * scripts/make-debian-image.sh) from a registry on 127.0.0.1, by
 * `berth pull`, `docker pull` (Debian's docker.io, a private dockerd) and
 * `podman pull`, side by side in one run, every pull into a cold store.
 *
 *   node dist/bench/image-pull.js [--iterations 5] [--warmup 1] [--host-fs] [--write docs/benchmarks.md]
 *
 * Before every timed command the image is removed from all three stores
 * (berth rmi + image prune; docker rmi + image prune -af; podman rmi -af),
 * the harness checks that no layer is left, and runs `sync`. Each iteration
 * runs the three pulls and a reference (GNU tar unpacking the same three
 * layer blobs from local disk) one after another, in an order that rotates
 * from one iteration to the next. A command is timed from spawning it to its
 * exit; its output lines are time-stamped as they arrive, which splits
 * berth's and docker's pulls into download and unpack. Also measured: CPU
 * time (GNU time for the CLIs; dockerd's and containerd's own from /proc),
 * peak memory (GNU time's maximum RSS of each CLI, dockerd's and
 * containerd's VmHWM reset before each docker pull), and once a berth pull
 * of a one-layer image of 256 MiB of random bytes, to show that layers are
 * streamed. The stores live on a file system of their own (see makeStore).
 *
 * Must run as root. Installs Debian's docker.io and time if missing. Starts
 * its own registry, dockerd (own data root, exec root, socket; no bridge,
 * no iptables, no ip_forward) and podman state under one temporary
 * directory, and removes all of it afterwards; it compares the host's links,
 * addresses, routes, iptables/nftables rules, forwarding sysctls, mounts,
 * loop devices and the engines' default directories before and after, and
 * fails loudly if anything is left.
 */
import { closeSync, createReadStream, existsSync, mkdirSync, openSync, readdirSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { createGunzip } from 'node:zlib';

import { repoRoot } from '../test/fixtures/paths.js';
import { startRegistry, type TestRegistry } from '../test/fixtures/registry/registry.js';
import { writeSection } from './lib/benchmarks-doc.js';
import { cpuMs, DOCKER_CLI, Dockerd, peakRssKiB, resetPeakRss, unmountUnder } from './lib/dockerd.js';
import { diffHost, snapshotHost, undoEngineLeftovers, type HostState } from './lib/host-state.js';
import { loadLine, machineLine, toolVersion } from './lib/machine.js';
import { summarize, type Summary } from './lib/stats.js';
import { GNU_TIME, now, run, timedRun, type OutputLine } from './lib/timed-command.js';

const HEADING = '## Images: pull + unpack';
const IMAGE_PATH = 'bench/debian:12';
/** The memory check's image: one layer holding one file of random bytes, larger than any sane buffer. */
const BIG_PATH = 'bench/random:1';
const BIG_BYTES = 256 * 2 ** 20;

interface Options {
  iterations: number;
  warmup: number;
  write: string | undefined;
  /** stores straight on the host's temporary file system instead of a dedicated one */
  hostFs: boolean;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      iterations: { type: 'string', default: '5' },
      warmup: { type: 'string', default: '1' },
      write: { type: 'string' },
      'host-fs': { type: 'boolean', default: false },
    },
  });
  const count = (name: string, v: string, min: number): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new RangeError(`--${name} wants an integer >= ${min}, not ${v}`);
    return n;
  };
  return {
    iterations: count('iterations', values.iterations, 1),
    warmup: count('warmup', values.warmup, 0),
    write: values.write,
    hostFs: values['host-fs'],
  };
}

const log = (text: string): boolean => process.stderr.write(`image-pull: ${text}\n`);

/** One timed command. */
interface Sample {
  wallMs: number;
  /** user + system CPU time: the command's, plus the daemons' for docker */
  cpuMs: number;
  /** GNU time: peak RSS of the command (its largest process), KiB */
  cliRssKiB: number;
  /** peak RSS of the daemon(s) during the pull, KiB, by name */
  daemonRssKiB: Record<string, number>;
  /** ms from start until the first "Pulling fs layer" (manifest and config are in) and the last "Download complete" (berth, docker) */
  announced?: number;
  downloaded?: number;
  /** berth: ms from "Extracting" to "Pull complete", by short layer id */
  extracting?: Record<string, number>;
}

type Variant = 'berth' | 'docker' | 'podman' | 'tar';
const VARIANTS: Variant[] = ['berth', 'docker', 'podman', 'tar'];
const LABEL: Record<Variant, string> = {
  berth: '`berth pull`',
  docker: '`docker pull`',
  podman: '`podman pull`',
  tar: 'reference: GNU `tar -xzf` of the three layer blobs from local disk, one directory each',
};

/** Installs a Debian package when `file` is missing (docker.io, time). */
async function ensurePackage(file: string, pkg: string): Promise<void> {
  if (existsSync(file)) return;
  log(`installing the Debian package ${pkg} (for ${file})`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  await run('apt-get', ['install', '-y', '-q', '--no-install-recommends', pkg], { env }).catch(async () => {
    await run('apt-get', ['update', '-q'], { env });
    await run('apt-get', ['install', '-y', '-q', '--no-install-recommends', pkg], { env });
  });
}

interface Layer {
  /** 12 hex digits of the digest, as progress lines name it */
  id: string;
  blob: string;
  compressed: number;
  unpacked: number;
  entries: number;
}

/** The pushed image's layers, from the OCI layout the script made. */
async function imageLayers(layout: string): Promise<Layer[]> {
  const blob = (digest: string) => join(layout, 'blobs', ...digest.split(':'));
  const index = JSON.parse(await readFile(join(layout, 'index.json'), 'utf8')) as { manifests: { digest: string }[] };
  const top = index.manifests[0];
  if (!top) throw new Error(`no image in the layout ${layout}`);
  const manifest = JSON.parse(await readFile(blob(top.digest), 'utf8')) as { layers: { digest: string; size: number }[] };
  const layers: Layer[] = [];
  for (const l of manifest.layers) {
    let unpacked = 0;
    for await (const chunk of createReadStream(blob(l.digest)).pipe(createGunzip())) unpacked += (chunk as Buffer).length;
    const entries = (await run('tar', ['-tzf', blob(l.digest)])).split('\n').filter(Boolean).length;
    layers.push({ id: l.digest.replace(/^sha256:/, '').slice(0, 12), blob: blob(l.digest), compressed: l.size, unpacked, entries });
  }
  return layers;
}

/** What creating an empty file costs in `dir`, one at a time with synchronous calls (as berth's unpacker makes them). */
interface CreateCost {
  us: number;
  /** the part of it spent in the kernel */
  sysUs: number;
}

async function createCost(dir: string, files = 2000): Promise<CreateCost> {
  const probe = join(dir, 'create-cost');
  try {
    mkdirSync(probe);
    const t0 = now();
    const cpu0 = process.cpuUsage();
    for (let i = 0; i < files; i++) closeSync(openSync(join(probe, `f${i}`), 'wx'));
    return { sysUs: process.cpuUsage(cpu0).system / files, us: ((now() - t0) * 1000) / files };
  } finally {
    await rm(probe, { recursive: true, force: true });
  }
}

/** Everything one run owns; close() removes all of it. */
class Bench {
  /** where the stores live: a dedicated file system mounted here, or a plain directory (--host-fs) */
  readonly store: string;
  readonly berthRoot: string;
  readonly tarRoot: string;
  readonly podmanDir: string;
  readonly podmanArgs: string[];
  readonly podmanEnv: NodeJS.ProcessEnv;
  readonly berthEnv: NodeJS.ProcessEnv;
  readonly berth = join(repoRoot(), 'bin', 'berth');
  /** the file system of the stores, in words */
  storeFs = '';
  dockerd: Dockerd | undefined;
  registry: TestRegistry | undefined;
  layers: Layer[] = [];
  ref = '';
  bigRef = '';

  constructor(
    readonly tmp: string,
    private readonly hostFs: boolean,
  ) {
    this.store = join(tmp, 'store');
    this.berthRoot = join(this.store, 'berth');
    this.tarRoot = join(this.store, 'tar');
    this.berthEnv = { ...process.env, BERTH_ROOT: this.berthRoot };
    const p = join(this.store, 'podman');
    this.podmanDir = p;
    this.podmanArgs = ['--root', join(p, 'root'), '--runroot', join(p, 'run'), '--tmpdir', join(p, 'tmp'), '--storage-driver', 'overlay'];
    this.podmanEnv = { ...process.env, CONTAINERS_CONF: join(tmp, 'containers.conf') };
  }

  /**
   * The stores' file system. By default a new ext4 (mkfs.ext4's defaults,
   * journaled) on a loop device backed by a sparse file in the temporary
   * directory: nobody else writes to it, and it is what most hosts run.
   * Why not the host's /tmp: on this machine it is ext4 without a journal,
   * and there ext4 does not reuse an inode freed less than a minute ago (six
   * while its inode table block is not written back yet): allocating one
   * walks past every such inode, checking each (recently_deleted() in
   * fs/ext4/ialloc.c, seen with perf). Creating a file there cost 0.02 to
   * 0.7 ms depending on what anyone on the host had deleted lately, and the
   * pulls' times swung by 2× between runs. --host-fs measures there anyway.
   */
  private async makeStore(): Promise<void> {
    await mkdir(this.store);
    if (this.hostFs) {
      this.storeFs = `the host's file system (${await fsType(this.store)})`;
      return;
    }
    const image = join(this.tmp, 'store.img');
    await run('truncate', ['-s', '8G', image]);
    await run('mkfs.ext4', ['-q', '-F', image]);
    // A loop mount made by mount(8) is detached again when it is unmounted (autoclear).
    await run('mount', ['-o', 'loop', image, this.store]);
    this.storeFs = 'a file system of their own: a new 8 GiB ext4 (mkfs.ext4 defaults, with a journal) on a loop device backed by a sparse file in /tmp';
  }

  async open(): Promise<void> {
    await this.makeStore();
    await mkdir(join(this.podmanDir, 'copy-tmp'), { recursive: true });
    // PEERS.md: podman's default ulimits fail here (hard nofile 20000, no CAP_SYS_RESOURCE).
    // Its temporary copies of blobs go in its store too, not /var/tmp.
    await writeFile(
      this.podmanEnv['CONTAINERS_CONF'] as string,
      '[containers]\ndefault_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]\n' +
        `[engine]\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\nimage_copy_tmp_dir = "${join(this.podmanDir, 'copy-tmp')}"\n`,
    );
    this.registry = await startRegistry();
    this.ref = `${this.registry.host}/${IMAGE_PATH}`;
    log(`pushing the multi-layer Debian image to ${this.ref} (scripts/make-debian-image.sh; builds the root filesystem once, a minute or so)`);
    await run(join(repoRoot(), 'scripts', 'make-debian-image.sh'), ['--push', this.ref]);
    this.layers = await imageLayers(join(repoRoot(), '.cache', 'debian-oci'));
    this.bigRef = `${this.registry.host}/${BIG_PATH}`;
    log(`pushing a one-layer image of ${BIG_BYTES / 2 ** 20} MiB of random bytes to ${this.bigRef} (the memory check)`);
    await this.pushBigImage();
    log('starting dockerd');
    this.dockerd = await Dockerd.start(join(this.store, 'docker'), { insecureRegistries: [this.registry.host] });
  }

  /** Builds the memory check's image with umoci (gzip, which cannot shrink random bytes) and pushes it. */
  private async pushBigImage(): Promise<void> {
    const dir = join(this.tmp, 'big');
    await mkdir(join(dir, 'rootfs'), { recursive: true });
    await run('dd', ['if=/dev/urandom', `of=${join(dir, 'rootfs', 'random.bin')}`, 'bs=1M', `count=${BIG_BYTES / 2 ** 20}`, 'status=none']);
    await run('tar', ['-C', join(dir, 'rootfs'), '-cf', join(dir, 'layer.tar'), 'random.bin']);
    await rm(join(dir, 'rootfs'), { recursive: true });
    const image = `${join(dir, 'layout')}:1`;
    await run('umoci', ['init', '--layout', join(dir, 'layout')]);
    await run('umoci', ['new', '--image', image]);
    await run('umoci', ['raw', 'add-layer', '--image', image, join(dir, 'layer.tar')]);
    await rm(join(dir, 'layer.tar'));
    // As the tests run skopeo (test/fixtures/registry/test-image.ts): believing it runs rootless, it keeps
    // its blob-info cache under HOME, here a directory of ours, instead of /var/lib/containers.
    const home = join(dir, 'skopeo-home');
    await writeFile(join(dir, 'policy.json'), JSON.stringify({ default: [{ type: 'insecureAcceptAnything' }] }));
    await run('skopeo', ['--policy', join(dir, 'policy.json'), 'copy', '--quiet', '--dest-tls-verify=false', `oci:${image}`, `docker://${this.bigRef}`], {
      env: { ...process.env, HOME: home, XDG_DATA_HOME: join(home, 'xdg'), _CONTAINERS_ROOTLESS_UID: '1000' },
    });
    await rm(dir, { recursive: true });
  }

  private get d(): Dockerd {
    if (!this.dockerd) throw new Error('dockerd is not running');
    return this.dockerd;
  }

  berthCli(args: string[]): Promise<string> {
    return run(this.berth, args, { env: this.berthEnv });
  }

  podman(args: string[]): Promise<string> {
    return run('podman', [...this.podmanArgs, ...args], { env: this.podmanEnv });
  }

  /** Removes the image from all three stores (and the reference's files) and checks that no layer is left anywhere. */
  async coldStores(): Promise<void> {
    if ((await this.berthCli(['images', '-q'])).trim() !== '') await this.berthCli(['rmi', this.ref]);
    await this.berthCli(['image', 'prune', '-a', '-f']);
    const blobs = listDir(join(this.berthRoot, 'content', 'blobs', 'sha256'));
    const snapshots = listDir(join(this.berthRoot, 'snapshots')).filter((n) => n !== 'metadata.json');
    if (blobs.length + snapshots.length > 0) throw new Error(`berth kept ${blobs.length} blobs and ${snapshots.length} snapshots after rmi + prune`);

    await this.d.docker(['rmi', '-f', this.ref]).catch(() => '');
    await this.d.docker(['image', 'prune', '-af']);
    if ((await this.d.docker(['images', '-qa'])).trim() !== '') throw new Error('docker kept images after rmi + prune');

    await this.podman(['rmi', '-af']);
    if ((await this.podman(['images', '-qa'])).trim() !== '') throw new Error('podman kept images after rmi -af');

    await rm(this.tarRoot, { recursive: true, force: true });
    // Writes of the last command (and of removing its work) must not land on the next one.
    await run('sync', []);
  }

  async measure(v: Variant): Promise<Sample> {
    const scratch = this.tmp;
    switch (v) {
      case 'berth': {
        const r = await timedRun(this.berth, ['pull', this.ref], { scratch, env: this.berthEnv });
        await this.berthCli(['image', 'inspect', this.ref]);
        return { wallMs: r.wallMs, cpuMs: r.cpuMs, cliRssKiB: r.maxRssKiB, daemonRssKiB: {}, ...phases(r.lines) };
      }
      case 'docker': {
        const d = this.d;
        const daemons: [string, number][] = [['dockerd', d.pid], ...d.containerdPids().map((p) => ['containerd', p] as [string, number])];
        for (const [, pid] of daemons) await resetPeakRss(pid);
        const cpu0 = daemons.reduce((a, [, pid]) => a + cpuMs(pid), 0);
        const r = await timedRun(DOCKER_CLI, [...d.hostArgs, 'pull', this.ref], { scratch, env: d.cliEnv });
        const daemonCpu = daemons.reduce((a, [, pid]) => a + cpuMs(pid), 0) - cpu0;
        const daemonRssKiB: Record<string, number> = {};
        for (const [name, pid] of daemons) daemonRssKiB[name] = peakRssKiB(pid);
        await d.docker(['image', 'inspect', this.ref]);
        return { wallMs: r.wallMs, cpuMs: r.cpuMs + daemonCpu, cliRssKiB: r.maxRssKiB, daemonRssKiB, ...phases(r.lines) };
      }
      case 'podman': {
        const r = await timedRun('podman', [...this.podmanArgs, 'pull', '--tls-verify=false', this.ref], { scratch, env: this.podmanEnv });
        await this.podman(['image', 'exists', this.ref]);
        return { wallMs: r.wallMs, cpuMs: r.cpuMs, cliRssKiB: r.maxRssKiB, daemonRssKiB: {} };
      }
      case 'tar': {
        const script = this.layers.map((l, i) => `mkdir -p ${this.tarRoot}/${i} && tar -C ${this.tarRoot}/${i} -xzf ${l.blob}`).join(' && ');
        const r = await timedRun('sh', ['-ec', script], { scratch });
        return { wallMs: r.wallMs, cpuMs: r.cpuMs, cliRssKiB: r.maxRssKiB, daemonRssKiB: {} };
      }
    }
  }

  /** Reference: `berth images` on the empty store, the CLI's cost before any pull work. */
  async berthBaseline(): Promise<{ wallMs: number; rssKiB: number }> {
    const r = await timedRun(this.berth, ['images'], { scratch: this.tmp, env: this.berthEnv });
    return { wallMs: r.wallMs, rssKiB: r.maxRssKiB };
  }

  /** The memory check: berth pulls the one-layer random image (then it is removed again). */
  async bigPull(): Promise<{ wallMs: number; rssKiB: number }> {
    const r = await timedRun(this.berth, ['pull', this.bigRef], { scratch: this.tmp, env: this.berthEnv });
    await this.berthCli(['image', 'inspect', this.bigRef]);
    await this.berthCli(['rmi', this.bigRef]);
    await this.berthCli(['image', 'prune', '-a', '-f']);
    return { wallMs: r.wallMs, rssKiB: r.maxRssKiB };
  }

  async versions(): Promise<Versions> {
    return {
      berth: (JSON.parse(await readFile(join(repoRoot(), 'package.json'), 'utf8')) as { version: string }).version,
      docker: `dockerd ${await this.d.version()} (Debian docker.io), CLI ${(await run(DOCKER_CLI, ['--version'])).trim().replace(/^Docker version /, '')}`,
      podman: toolVersion('podman'),
      registry: toolVersion('docker-registry'),
      tar: toolVersion('tar'),
    };
  }

  /** Best effort on every path: the engines' stores, dockerd, the registry, the store's mount, the directory. */
  async close(): Promise<void> {
    const problems: string[] = [];
    const attempt = async (what: string, f: () => Promise<unknown>) => {
      try {
        await f();
      } catch (e) {
        problems.push(`${what}: ${(e as Error).message}`);
      }
    };
    if (this.dockerd) {
      const d = this.dockerd;
      await attempt('docker image prune', () => d.docker(['image', 'prune', '-af']));
      await attempt('stopping dockerd', () => d.stop());
    }
    if (existsSync(this.podmanEnv['CONTAINERS_CONF'] as string)) await attempt('podman rmi', () => this.podman(['rmi', '-af']));
    await attempt('registry', async () => this.registry?.stop());
    await attempt('unmounting', () => unmountUnder(this.tmp));
    await attempt(`removing ${this.tmp}`, () => rm(this.tmp, { recursive: true, force: true }));
    if (problems.length > 0) throw new Error(`cleanup failed:\n  ${problems.join('\n  ')}`);
  }
}

type Versions = Record<'berth' | 'docker' | 'podman' | 'registry' | 'tar', string>;

/** "ext4 rw,relatime,…" for the file system holding `path`. */
async function fsType(path: string): Promise<string> {
  return (await run('findmnt', ['-no', 'FSTYPE,OPTIONS', '-T', path])).trim().replace(/\s+/g, ' ');
}

/** The names in a directory; none when it does not exist (yet). */
function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw e;
  }
}

/** Download and unpack times from docker-style progress lines ("<12 hex>: Download complete"). */
function phases(lines: OutputLine[]): Pick<Sample, 'announced' | 'downloaded' | 'extracting'> {
  let announced: number | undefined;
  let downloaded: number | undefined;
  const extracting: Record<string, number> = {};
  const started = new Map<string, number>();
  for (const l of lines) {
    const m = /^([0-9a-f]{12}): (.+)$/.exec(l.text);
    if (!m?.[1]) continue;
    if (m[2] === 'Pulling fs layer') announced ??= l.t;
    if (m[2] === 'Download complete') downloaded = Math.max(downloaded ?? 0, l.t);
    if (m[2] === 'Extracting') started.set(m[1], l.t);
    const s = started.get(m[1]);
    if (m[2] === 'Pull complete' && s !== undefined) extracting[m[1]] = l.t - s;
  }
  return {
    ...(announced !== undefined ? { announced } : {}),
    ...(downloaded !== undefined ? { downloaded } : {}),
    ...(started.size > 0 ? { extracting } : {}),
  };
}

async function measure(bench: Bench, opts: Options, stop: () => boolean): Promise<Record<Variant, Sample[]>> {
  const samples: Record<Variant, Sample[]> = { berth: [], docker: [], podman: [], tar: [] };
  const rounds = opts.warmup + opts.iterations;
  for (let i = 0; i < rounds && !stop(); i++) {
    const order = VARIANTS.map((_, k) => VARIANTS[(k + i) % VARIANTS.length] as Variant);
    const got: string[] = [];
    for (const v of order) {
      if (stop()) break;
      await bench.coldStores();
      const s = await bench.measure(v);
      if (i >= opts.warmup) samples[v].push(s);
      got.push(`${v} ${sec(s.wallMs)} s`);
    }
    log(`${i < opts.warmup ? `warm-up ${i + 1}/${opts.warmup}` : `iteration ${i + 1 - opts.warmup}/${opts.iterations}`}: ${got.join(', ')}`);
  }
  await bench.coldStores();
  return samples;
}

const sec = (ms: number): string => (ms / 1000).toFixed(2);
const mib = (kib: number): string => (kib / 1024).toFixed(0);
const mb = (bytes: number): string => (bytes / 1e6).toFixed(1);
const msOf = (us: number): string => (us / 1000).toFixed(3);
const pct = (a: number, b: number): string => {
  const p = (100 * a) / b;
  return `${Math.abs(p) < 10 ? p.toFixed(1) : Math.round(p)} %`;
};
const med = (xs: (number | undefined)[]): number => {
  const v = xs.filter((x): x is number => x !== undefined && Number.isFinite(x));
  return v.length > 0 ? summarize(v).median : NaN;
};
const maxOf = (xs: number[]): number => Math.max(...xs);

interface Context {
  opts: Options;
  started: string;
  loadBefore: string;
  layers: Layer[];
  versions: Versions;
  baseline: { wallMs: number; rssKiB: number };
  big: { wallMs: number; rssKiB: number };
  /** creating a file: in the stores before and after the run, in the host's temporary directory, on tmpfs */
  create: { before: CreateCost; after: CreateCost; host: CreateCost; hostFs: string; tmpfs: CreateCost };
  storeFs: string;
  unpigz: boolean;
}

/** The medians the tables and the reading share. */
interface Numbers {
  total: Record<Variant, Summary>;
  cpu: Record<Variant, number>;
  /** ms until the layers were announced, until the last was downloaded, and from then to the end */
  announced: Record<'berth' | 'docker', number>;
  dl: Record<'berth' | 'docker', number>;
  tail: Record<'berth' | 'docker', number>;
  /** berth: unpack time of each layer, bottom first, and their sum (medians) */
  perLayer: number[];
  extracting: number;
  compressed: number;
  unpacked: number;
  entries: number;
}

function numbers(samples: Record<Variant, Sample[]>, c: Context): Numbers {
  const p = (v: Variant, f: (s: Sample) => number | undefined): number => med(samples[v].map(f));
  const tail = (s: Sample) => (s.downloaded !== undefined ? s.wallMs - s.downloaded : undefined);
  const sumOf = (s: Sample) => (s.extracting ? Object.values(s.extracting).reduce((a, b) => a + b, 0) : undefined);
  const by = <T>(f: (v: Variant) => T): Record<Variant, T> => ({ berth: f('berth'), docker: f('docker'), podman: f('podman'), tar: f('tar') });
  return {
    total: by((v) => summarize(samples[v].map((s) => s.wallMs))),
    cpu: by((v) => p(v, (s) => s.cpuMs)),
    announced: { berth: p('berth', (s) => s.announced), docker: p('docker', (s) => s.announced) },
    dl: { berth: p('berth', (s) => s.downloaded), docker: p('docker', (s) => s.downloaded) },
    tail: { berth: p('berth', tail), docker: p('docker', tail) },
    perLayer: c.layers.map((l) => p('berth', (s) => s.extracting?.[l.id])),
    extracting: p('berth', sumOf),
    compressed: c.layers.reduce((a, l) => a + l.compressed, 0),
    unpacked: c.layers.reduce((a, l) => a + l.unpacked, 0),
    entries: c.layers.reduce((a, l) => a + l.entries, 0),
  };
}

function report(samples: Record<Variant, Sample[]>, c: Context): string {
  const n = numbers(samples, c);
  const layerList = c.layers.map((l) => `${mb(l.compressed)} → ${mb(l.unpacked)} MB, ${l.entries} entries`).join('; ');
  const dockerd = maxOf(samples.docker.map((s) => s.daemonRssKiB['dockerd'] ?? NaN));
  const containerd = maxOf(samples.docker.map((s) => s.daemonRssKiB['containerd'] ?? NaN));
  const cc = (x: CreateCost) => `${msOf(x.us)} ms (${msOf(x.sysUs)} ms of it in the kernel)`;
  const lines: string[] = [];
  lines.push(
    `Measured ${c.started} on ${machineLine()}. Load average (1/5/15 min) ${c.loadBefore} before, ${loadLine()} after.`,
    '',
    `Versions: berth ${c.versions.berth}; ${c.versions.docker}; ${c.versions.podman} (overlay storage); ` +
      `registry: ${c.versions.registry} on 127.0.0.1, plain HTTP, filesystem storage; ${c.versions.tar}.`,
    '',
    `The image: Debian 12 (bookworm) minbase with bash, python3, ca-certificates, procps, iproute2 and curl, built by ` +
      `\`scripts/make-debian-image.sh\` (mmdebstrap) and cut into ${c.layers.length} layers by package group ` +
      `(base system, python3, extras), gzip-compressed by umoci, pushed by skopeo as an OCI manifest: ` +
      `${mb(n.compressed)} MB to download, ${mb(n.unpacked)} MB of tar and ${n.entries} entries to unpack ` +
      `(bottom layer first, compressed → unpacked: ${layerList}).`,
    '',
    `${n.total.berth.n} iterations after ${c.opts.warmup} discarded warm-up round${c.opts.warmup === 1 ? '' : 's'}. Before every command ` +
      'the image is removed from all three stores (berth rmi + image prune; docker rmi + image prune -af; podman rmi -af), ' +
      'the harness checks that no layer is left and runs `sync`; the commands of an iteration run one after another, ' +
      'in an order that rotates each iteration. Wall time is from spawning the command to its exit; CPU time is user + system ' +
      "from GNU time (for docker, plus dockerd's and containerd's own, children included, from /proc). " +
      `All stores (and the reference's output) are on ${c.storeFs}. dockerd is a private daemon (own data root and socket, ` +
      `overlay2, no bridge, no iptables) started once for the run; ${c.unpigz ? 'unpigz is installed, so dockerd decompresses layers with it' : "unpigz is not installed, so dockerd decompresses layers with Go's gzip"}. ` +
      "Peak memory: GNU time's maximum RSS of each command's largest process, and dockerd's and containerd's VmHWM, reset before each docker pull. " +
      `Creating an empty file in the stores cost ${cc(c.create.before)} before the run and ${cc(c.create.after)} after it; ` +
      (c.opts.hostFs ? '' : `in the host's ${tmpdir()} (${c.create.hostFs}) ${cc(c.create.host)} (why the stores are not there: makeStore() in bench/image-pull.ts); `) +
      `on tmpfs ${cc(c.create.tmpfs)}.`,
    '',
    '| what | median s | min s | max s | median vs docker | CPU s (median) | peak RSS of the command (max) | peak RSS of the daemon (max) |',
    '|---|---:|---:|---:|---|---:|---:|---:|',
  );
  for (const v of VARIANTS) {
    const s = n.total[v];
    const daemon = v === 'docker' ? `dockerd ${mib(dockerd)} MiB, containerd ${mib(containerd)} MiB` : v === 'tar' ? '' : 'none';
    const rss = maxOf(samples[v].map((x) => x.cliRssKiB));
    lines.push(
      `| ${LABEL[v]} | ${sec(s.median)} | ${sec(s.min)} | ${sec(s.max)} | ${(s.median / n.total.docker.median).toFixed(2)}× | ${sec(n.cpu[v])} | ${mib(rss)} MiB | ${daemon} |`,
    );
  }
  lines.push(
    `| reference: \`berth images\` on an empty store | ${sec(c.baseline.wallMs)} | | | | | ${mib(c.baseline.rssKiB)} MiB | |`,
    `| memory check: \`berth pull\` of one layer of ${BIG_BYTES / 2 ** 20} MiB of random bytes (once) | ${sec(c.big.wallMs)} | | | | | ${mib(c.big.rssKiB)} MiB | |`,
    '',
    'Where the time goes (medians, seconds from the start of the pull, from the progress lines each CLI prints, time-stamped as ' +
      'they arrive; podman prints no per-layer progress when not on a terminal, and docker none between "Download complete" and "Pull complete"):',
    '',
    '| phase | berth | docker |',
    '|---|---:|---:|',
    `| manifest and config in, layers announced (first "Pulling fs layer") | ${sec(n.announced.berth)} | ${sec(n.announced.docker)} |`,
    `| every layer downloaded ("Download complete" of the last layer) | ${sec(n.dl.berth)} | ${sec(n.dl.docker)} |`,
    `| from there to the end (unpacking what is left, tagging, exit) | ${sec(n.tail.berth)} | ${sec(n.tail.docker)} |`,
    ...c.layers.map(
      (l, i) => `| unpacking layer ${i + 1} (${mb(l.unpacked)} MB, ${l.entries} entries; "Extracting" → "Pull complete") | ${sec(n.perLayer[i] ?? NaN)} | — |`,
    ),
    '',
    interpretation(samples, n, c),
    '',
  );
  return lines.join('\n');
}

/** The reading of the numbers, computed from them so that it cannot go stale. */
function interpretation(samples: Record<Variant, Sample[]>, n: Numbers, c: Context): string {
  const b = n.total.berth.median;
  const d = n.total.docker.median;
  const pm = n.total.podman.median;
  const tar = n.total.tar.median;
  const vs = (a: number, r: number, name: string): string =>
    a <= r ? `${sec(r - a)} s (${pct(r - a, r)}) faster than ${name}` : `${sec(a - r)} s (${pct(a - r, r)}) slower than ${name}`;
  const overlap = Math.max(n.total.berth.min, n.total.docker.min) <= Math.min(n.total.berth.max, n.total.docker.max);
  const out: string[] = [];

  out.push(
    `**Reading.** \`berth pull\` takes ${sec(b)} s, ${vs(b, d, `\`docker pull\` (${sec(d)} s)`)} and ${vs(b, pm, `\`podman pull\` (${sec(pm)} s)`)}: ` +
      `the target "no slower than docker" is ${b <= d ? 'met' : 'not met'}` +
      (overlap
        ? `, though the two overlap from one iteration to the next (min–max: berth ${sec(n.total.berth.min)}–${sec(n.total.berth.max)} s, ` +
          `docker ${sec(n.total.docker.min)}–${sec(n.total.docker.max)} s). `
        : '. ') +
      `It uses ${sec(n.cpu.berth)} s of CPU for it, docker ${sec(n.cpu.docker)} s (CLI, dockerd and containerd), podman ${sec(n.cpu.podman)} s, ` +
      `and GNU tar ${sec(n.cpu.tar)} s to unpack the same blobs. `,
  );
  out.push(
    `Downloading ${mb(n.compressed)} MB over loopback is the small part: berth has the last layer after ${sec(n.dl.berth)} s, ` +
      `docker after ${sec(n.dl.docker)} s. berth announces the layers after ${sec(n.announced.berth)} s (its CLI starts Node and loads berth first: ` +
      `${sec(c.baseline.wallMs)} s for \`berth images\`), docker after ${sec(n.announced.docker)} s (its daemon is already running); ` +
      `the downloads themselves then take berth ${sec(n.dl.berth - n.announced.berth)} s, docker ${sec(n.dl.docker - n.announced.docker)} s ` +
      `(three layers at a time in both; berth checks each blob's sha256 as it arrives and fsyncs it before "Download complete"). `,
  );
  const [first, ...rest] = n.perLayer;
  const restSum = rest.reduce((a, x) => a + x, 0);
  const create = (c.create.before.us + c.create.after.us) / 2;
  out.push(
    `Unpacking is the large part: berth spends ${sec(n.tail.berth)} s after its last download, docker ${sec(n.tail.docker)} s. ` +
      `berth unpacks ${mb(n.unpacked)} MB in ${sec(n.extracting)} s summed over the layers (gunzip on libuv's thread pool; ` +
      'tar parsing, the sha256 of the tar for the diffID and synchronous file-system calls on the main thread), ' +
      `${(n.extracting / tar).toFixed(2)}× what GNU tar takes for the same blobs with no network, no digest checks and no store (${sec(tar)} s). ` +
      `Creating the ${n.entries} entries as empty files would cost about ${sec((n.entries * create) / 1000)} s of that here. `,
  );
  if (first !== undefined && rest.length > 0) {
    out.push(
      `berth, like docker and podman, unpacks the layers one after another, each once it and the layers below it are downloaded: ` +
        `the bottom layer takes ${sec(first)} s, the ${rest.length} above it ${sec(restSum)} s together. ` +
        'Each layer goes into its own snapshot directory and needs nothing from the ones below it (only the commits must be in order), ' +
        `so unpacking them at the same time, in worker threads, would take up to ${sec(restSum)} s off a pull on a machine with a CPU to spare ` +
        `(the berth process used ${sec(n.cpu.berth)} s of CPU in ${sec(b)} s of wall time here, on ${availableParallelism()} CPUs). `,
    );
  }

  const rss = maxOf(samples.berth.map((s) => s.cliRssKiB));
  const extra = rss - c.baseline.rssKiB;
  const bigExtra = c.big.rssKiB - c.baseline.rssKiB;
  const bigMiB = BIG_BYTES / 2 ** 20;
  const largestCompressed = Math.max(...c.layers.map((l) => l.compressed));
  out.push(
    `Memory: pulling this image, the berth CLI peaks at ${mib(rss)} MiB of RSS, ${mib(extra)} MiB above the same CLI listing an ` +
      `empty store (${mib(c.baseline.rssKiB)} MiB); its largest layer is ${mb(largestCompressed)} MB compressed. ` +
      `Pulling an image whose one layer is ${bigMiB} MiB of random bytes (gzip cannot shrink them: ${bigMiB} MiB to download, ` +
      `verify and unpack) it peaks at ${mib(c.big.rssKiB)} MiB, ${mib(bigExtra)} MiB above the empty store: ` +
      (bigExtra < BIG_BYTES / 1024 / 2
        ? 'far less than the layer, so layers are streamed (socket → content store → snapshot), never held whole in memory' +
          (Math.abs(c.big.rssKiB - rss) < 32 * 1024
            ? ', and what a pull holds in flight does not grow with the size of its layers. '
            : `; what a pull holds in flight still differs by ${mib(Math.abs(c.big.rssKiB - rss))} MiB between the two images. `)
        : 'as much as half the layer or more: something buffers it. ') +
      `The docker CLI only prints progress; the pull itself runs in dockerd, which peaked at ` +
      `${mib(maxOf(samples.docker.map((s) => s.daemonRssKiB['dockerd'] ?? NaN)))} MiB. ` +
      `podman (one process, no daemon) peaked at ${mib(maxOf(samples.podman.map((s) => s.cliRssKiB)))} MiB.`,
  );
  return out.join('');
}

async function main(): Promise<void> {
  const opts = options();
  if (process.getuid?.() !== 0) throw new Error('image-pull: run as root (dockerd, podman, and berth unpack layers as root)');
  await ensurePackage('/usr/sbin/dockerd', 'docker.io');
  await ensurePackage(GNU_TIME, 'time');
  const started = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const loadBefore = loadLine();
  let stopping = false;
  const onSignal = (): void => {
    stopping = true;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const before: HostState = await snapshotHost();
  const tmp = await mkdtemp(join(tmpdir(), 'berth-bench-pull-'));
  const bench = new Bench(tmp, opts.hostFs);
  let samples: Record<Variant, Sample[]> | undefined;
  let context: Context | undefined;
  let failure: unknown;
  try {
    await bench.open();
    const versions = await bench.versions();
    await bench.coldStores();
    const baseline = await bench.berthBaseline();
    const unpigz = await run('sh', ['-c', 'command -v unpigz']).then(
      () => true,
      () => false,
    );
    const createBefore = await createCost(bench.store);
    const host = await createCost(tmp);
    const shm = await mkdtemp('/dev/shm/berth-bench-pull-');
    const tmpfs = await createCost(shm).finally(() => rm(shm, { recursive: true, force: true }));
    log(`pulling ${bench.ref}: ${opts.warmup} warm-up round(s), ${opts.iterations} iterations`);
    samples = await measure(bench, opts, () => stopping);
    const createAfter = await createCost(bench.store);
    log('memory check: berth pull of the one-layer random image');
    const big = await bench.bigPull();
    context = {
      opts,
      started,
      loadBefore,
      layers: bench.layers,
      versions,
      baseline,
      big,
      create: { before: createBefore, after: createAfter, host, hostFs: await fsType(tmp), tmpfs },
      storeFs: bench.storeFs,
      unpigz,
    };
  } catch (e) {
    failure = e;
  }
  // Cleanup on every path, then the host check: a leftover is an error even after a failed run.
  const problems: string[] = [];
  await bench.close().catch((e: unknown) => problems.push((e as Error).message));
  const undone = await undoEngineLeftovers(before).catch((e: unknown) => {
    problems.push(`undoing the engines' leftovers: ${(e as Error).message}`);
    return [] as string[];
  });
  for (const u of undone) log(`cleanup: ${u}`);
  const left = diffHost(before, await snapshotHost(), tmp);
  if (left.length > 0) problems.push(`the host is not as it was before the benchmark:\n    ${left.join('\n    ')}`);
  if (problems.length > 0) {
    log(`LEFTOVERS (look at them; another user of this host may also explain a difference):\n  ${problems.join('\n  ')}`);
    if (failure === undefined) failure = new Error('cleanup incomplete (see above)');
  } else {
    log('cleanup checked: links, addresses, routes, iptables, forwarding sysctls, mounts, loop devices and engine directories as before');
  }
  if (failure !== undefined) throw failure;
  if (stopping || !samples || !context) throw new Error('interrupted; cleaned up, nothing written');

  const body = report(samples, context);
  process.stdout.write(`${HEADING}\n\n${body}`);
  if (opts.write) {
    const file = resolve(opts.write);
    await writeSection(file, HEADING, body);
    log(`wrote the section "${HEADING.slice(3)}" of ${file}`);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});

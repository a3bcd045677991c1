/**
 * The container-engine benchmark: berthd next to Debian's docker.io
 * (a private dockerd) and podman, in one run, the same busybox image
 * imported into each:
 *
 *   run    `run --rm IMAGE true`
 *   exec   `exec CONTAINER true` on a running `sleep` container
 *   stats  `stats --no-stream` with 10 and with 50 running `sleep` containers
 *   memory host memory per idle container, 50 `sleep` containers, one engine at a time
 *
 *   node dist/bench/containers.js [--iterations 20] [--warmup 3] [--memory-rounds 3]
 *                                 [--only run,exec,stats,memory] [--write docs/benchmarks.md]
 *
 * --write replaces the whole section of docs/benchmarks.md: with --only, it
 * then holds only the parts measured.
 *
 * berthd is driven by the berth CLI and by the docker CLI, dockerd by the
 * docker CLI, podman by itself: four rows per table, interleaved per
 * iteration (see lib/interleave.ts). Every container runs with
 * `--network none` (a network namespace with loopback only), so no engine
 * pays for a bridge and veth pair. The harness also makes the
 * Engine API calls behind `run` and `exec` itself, to split the CLIs' time
 * into the daemon's part and the CLI's.
 *
 * Must run as root. Everything lives under one temporary directory and is
 * removed afterwards; the host (links, routes, iptables, sysctls, mounts,
 * the engines' default directories, their cgroups) is compared before and
 * after, and a difference fails the run unless it is plainly someone
 * else's (see lib/foreign-changes.ts).
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';

import { writeSection } from './lib/benchmarks-doc.js';
import { BERTH_CLI } from './lib/berthd.js';
import { runCli, type CliCommand } from './lib/cli-run.js';
import { Engines, IMAGE, NO_NET, type EngineKey, type Variant } from './lib/container-engines.js';
import { report, type Results } from './lib/containers-report.js';
import { apiExec, apiRun, apiStats, type Phases } from './lib/engine-api.js';
import { splitForeign } from './lib/foreign-changes.js';
import { diffHost, snapshotHost, undoEngineLeftovers } from './lib/host-state.js';
import { idleMemory } from './lib/idle-memory.js';
import { interleave, type Case, type Outcome } from './lib/interleave.js';
import { loadLine } from './lib/machine.js';

const HEADING = '## Containers: run, exec, stats, idle memory';
const PARTS = ['run', 'exec', 'stats', 'memory'] as const;
type Part = (typeof PARTS)[number];
const STATS_COUNTS = [10, 50];
const MEMORY_CONTAINERS = 50;
/** A CLI command that takes longer has hung (three seconds is the slowest any of them should take). */
const TIMEOUT_MS = 15_000;

export interface Options {
  iterations: number;
  warmup: number;
  write: string | undefined;
  only: Part[];
  memoryRounds: number;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      iterations: { type: 'string', default: '20' },
      warmup: { type: 'string', default: '3' },
      write: { type: 'string' },
      only: { type: 'string', default: PARTS.join(',') },
      'memory-rounds': { type: 'string', default: '3' },
    },
  });
  const count = (name: string, v: string, min: number): number => {
    const n = Number(v);
    if (!Number.isInteger(n) || n < min) throw new RangeError(`--${name} wants an integer >= ${min}, not ${v}`);
    return n;
  };
  const only = values.only.split(',').map((s) => s.trim());
  for (const p of only) if (!(PARTS as readonly string[]).includes(p)) throw new RangeError(`--only takes ${PARTS.join(',')}, not ${p}`);
  return {
    iterations: count('iterations', values.iterations, 1),
    warmup: count('warmup', values.warmup, 0),
    write: values.write,
    only: only as Part[],
    memoryRounds: count('memory-rounds', values['memory-rounds'], 1),
  };
}

const log = (text: string): boolean => process.stderr.write(`containers: ${text}\n`);

const fromCli = async (cmd: CliCommand, check?: (stdout: string) => string | undefined): Promise<Outcome> => {
  const r = await runCli(cmd, TIMEOUT_MS);
  if (!r.ok) return r;
  const wrong = check?.(r.stdout);
  return wrong === undefined ? { ok: true, ms: r.ms } : { ok: false, ms: r.ms, error: wrong };
};

const fromApi = async (f: () => Promise<Phases>): Promise<Outcome> => {
  try {
    const phases = await f();
    return { ok: true, ms: phases['total'] ?? NaN, phases };
  } catch (e) {
    return { ok: false, ms: NaN, error: (e as Error).message };
  }
};

function apiSocket(engines: Engines, engine: 'berthd' | 'dockerd'): string {
  const s = engine === 'berthd' ? engines.berthd?.socket : engines.dockerd?.socket;
  if (!s) throw new Error(`${engine} is not running`);
  return s;
}

function runCases(engines: Engines): Case[] {
  const env = { ...process.env };
  delete env['NODE_EXTRA_CA_CERTS']; // as the berth CLI is run (see Engines)
  return [
    ...engines.variants().map((v: Variant) => ({
      key: v.key,
      label: v.label,
      run: () => fromCli(v.cli(['run', '--rm', ...NO_NET, IMAGE, 'true'])),
      recover: () => engines.removeAll(v.engine),
    })),
    ...(['berthd', 'dockerd'] as const).map((e) => ({
      key: `api-${e}`,
      label: `Engine API from the harness → ${e}`,
      run: () => fromApi(() => apiRun(apiSocket(engines, e), IMAGE)),
      recover: () => engines.removeAll(e),
    })),
    { key: 'ref-node', label: 'reference: `node -e 0`', run: () => fromCli({ file: process.execPath, args: ['-e', '0'], env }) },
    { key: 'ref-help', label: 'reference: `berth --help` (Node start-up + loading the CLI, no request)', run: () => fromCli({ file: BERTH_CLI, args: ['--help'], env }) },
  ];
}

async function execCases(engines: Engines): Promise<{ cases: Case[]; ids: Record<EngineKey, string> }> {
  const ids = {} as Record<EngineKey, string>;
  for (const e of ['berthd', 'dockerd', 'podman'] as const) [ids[e]] = (await engines.startSleepers(e, 1)) as [string];
  const cases: Case[] = [
    ...engines.variants().map((v) => ({
      key: v.key,
      label: v.label,
      run: () => fromCli(v.cli(['exec', ids[v.engine], 'true'])),
      recover: () => engines.removeAll(v.engine, [ids[v.engine]]),
    })),
    ...(['berthd', 'dockerd'] as const).map((e) => ({
      key: `api-${e}`,
      label: `Engine API from the harness → ${e}`,
      run: () => fromApi(() => apiExec(apiSocket(engines, e), ids[e])),
    })),
  ];
  return { cases, ids };
}

/** `stats --no-stream` must list every running container: a header and one line each. */
const listsAll =
  (n: number) =>
  (stdout: string): string | undefined => {
    const lines = stdout.split('\n').filter((l) => l.trim() !== '').length - 1;
    return lines === n ? undefined : `stats listed ${lines} containers, not ${n}`;
  };

async function measureStats(engines: Engines, opts: Options, stop: () => boolean): Promise<NonNullable<Results['stats']>> {
  const out: NonNullable<Results['stats']> = {};
  let running = 0;
  for (const n of STATS_COUNTS) {
    log(`stats: starting ${n - running} more sleep containers on each engine`);
    for (const e of ['berthd', 'dockerd', 'podman'] as const) await engines.startSleepers(e, n - running);
    running = n;
    const cases: Case[] = engines.variants().map((v) => ({ key: v.key, label: v.label, run: () => fromCli(v.cli(['stats', '--no-stream']), listsAll(n)) }));
    // dockerd's own row would cost two seconds a round for nothing new: its CLI row is already all daemon.
    cases.push({ key: 'api-berthd', label: 'Engine API from the harness → berthd', run: () => fromApi(() => apiStats(apiSocket(engines, 'berthd'), n)) });
    out[n] = await interleave(cases, opts, (l) => log(`stats ${n}: ${l}`), stop);
  }
  for (const e of ['berthd', 'dockerd', 'podman'] as const) await engines.removeAll(e);
  return out;
}

async function measure(engines: Engines, opts: Options, stop: () => boolean): Promise<Omit<Results, 'opts' | 'started' | 'loadBefore' | 'versions'>> {
  const out: Omit<Results, 'opts' | 'started' | 'loadBefore' | 'versions'> = {};
  if (opts.only.includes('run') && !stop()) {
    log('run --rm');
    out.run = await interleave(runCases(engines), opts, (l) => log(`run: ${l}`), stop);
  }
  if (opts.only.includes('exec') && !stop()) {
    log('exec');
    const { cases } = await execCases(engines);
    out.exec = await interleave(cases, opts, (l) => log(`exec: ${l}`), stop);
    for (const e of ['berthd', 'dockerd', 'podman'] as const) await engines.removeAll(e);
  }
  if (opts.only.includes('stats') && !stop()) out.stats = await measureStats(engines, opts, stop);
  if (opts.only.includes('memory') && !stop()) {
    // Several rounds, the engines' order rotating: the host's own comings and goings land on each engine in turn, and the median sets them aside.
    out.memory = [];
    const order = ['berthd', 'dockerd', 'podman'] as const;
    for (let round = 0; round < opts.memoryRounds; round++) {
      for (let k = 0; k < order.length && !stop(); k++) {
        const e = order[(k + round) % order.length] as EngineKey;
        const m = await idleMemory(engines, e, MEMORY_CONTAINERS, log);
        log(`memory round ${round + 1}/${opts.memoryRounds}, ${e}: free used +${((m.after.usedKiB - m.before.usedKiB) / 1024).toFixed(0)} MiB for ${MEMORY_CONTAINERS} containers`);
        out.memory.push(m);
      }
    }
  }
  return out;
}

async function main(): Promise<void> {
  const opts = options();
  if (process.getuid?.() !== 0) throw new Error('containers: run as root (it runs containers with three engines)');
  const started = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const loadBefore = loadLine();
  const t0 = performance.now();
  let stopping = false;
  const onSignal = (): void => {
    stopping = true;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const before = await snapshotHost();
  const tmp = await mkdtemp(join(tmpdir(), 'berth-bench-ctr-'));
  const engines = new Engines(tmp);
  let results: Results | undefined;
  let failure: unknown;
  try {
    await engines.open(log);
    const versions = await engines.versions();
    results = { opts: { ...opts, timeoutMs: TIMEOUT_MS }, started, loadBefore, versions, ...(await measure(engines, opts, () => stopping)) };
  } catch (e) {
    failure = e;
    if (engines.berthd) log(`berthd's log ends:\n${engines.berthd.logTail()}`);
  }
  // Cleanup on every path, then the host check: a leftover is an error even after a failed run.
  const problems = await engines.close();
  // dockerd runs here with no bridge, no iptables and no ip_forward: of what undoEngineLeftovers puts back, only its
  // directories can be ours. The network state (links, rules, FORWARD policy, forwarding sysctls) is taken as it is now,
  // so that a change another user made meanwhile is not undone under them; diffHost still reports any change.
  const now = await snapshotHost();
  const networkAsNow = { ...before, links: now.links, iptables: now.iptables, ip6tables: now.ip6tables, sysctls: now.sysctls };
  const undone = await undoEngineLeftovers(networkAsNow).catch((e: unknown) => {
    problems.push(`undoing the engines' leftovers: ${(e as Error).message}`);
    return [] as string[];
  });
  for (const u of undone) log(`cleanup: ${u}`);
  const { bridge, nftTable } = engines.berthdNames;
  const { ours: left, foreign } = splitForeign(diffHost(before, await snapshotHost(), tmp), { dir: tmp, names: [bridge, nftTable] });
  if (foreign.length > 0) log(`changed on the host meanwhile, not by this benchmark (left alone):\n  ${foreign.join('\n  ')}`);
  if (left.length > 0) problems.push(`the host is not as it was before the benchmark:\n    ${left.join('\n    ')}`);
  if (problems.length > 0) {
    log(`LEFTOVERS (look at them; another user of this host may also explain a difference):\n  ${problems.join('\n  ')}`);
    failure ??= new Error('cleanup incomplete (see above)');
  } else {
    log('cleanup checked: containers, daemons, mounts, cgroups, links, addresses, routes, iptables, forwarding sysctls and engine directories as before');
  }
  log(`took ${((performance.now() - t0) / 1000).toFixed(0)} s`);
  // Printed even when the cleanup check failed (the numbers are still worth a look); written to the file only after a clean run.
  const body = results && !stopping ? report(results) : undefined;
  if (body) process.stdout.write(`${HEADING}\n\n${body}`);
  if (failure !== undefined) throw failure;
  if (!body) throw new Error('interrupted; cleaned up, nothing written');
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

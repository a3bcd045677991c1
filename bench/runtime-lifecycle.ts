/**
 * The runtime benchmark, youki's method: N × (create + start + delete) of a
 * `/bin/true` container on one bundle, berth-runtime next to Debian's runc in
 * the same run, plus `run` (one command), berth's in-process path (the
 * LinuxRuntime library, no Node start-up) and reference rows for what a
 * process start costs here.
 *
 *   node dist/bench/runtime-lifecycle.js [--iterations 30] [--warmup 3] [--write docs/benchmarks.md]
 *
 * Every iteration runs every variant once, forward on even iterations and in
 * reverse on odd ones, so background load and cache effects fall on all of
 * them alike. The harness spawns the commands itself (no shell) and times
 * them with the monotonic clock. Must run as root. Everything it creates
 * (state roots, the bundle, one cgroup) is unique to the run and removed
 * afterwards; after every measured command it checks that the runtime left
 * neither a cgroup nor a state directory behind.
 */
import { spawn } from 'node:child_process';
import { existsSync, openSync, closeSync, readdirSync, readFileSync, rmdirSync, statSync } from 'node:fs';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';

import { LinuxRuntime } from '../src/runtime/linux-runtime.js';
import { makeBundle, type Bundle } from '../test/fixtures/bundle.js';
import { repoRoot } from '../test/fixtures/paths.js';
import { writeSection } from './lib/benchmarks-doc.js';
import { loadLine, machineLine, toolVersion } from './lib/machine.js';
import { ms, summarize, type Summary } from './lib/stats.js';

const HEADING = '## Runtime: create + start + delete';
const RUNC = 'runc';
const CGROUP_ROOT = '/sys/fs/cgroup';

/** Durations of one run of a variant, in ms: always `total`, plus its phases. */
type Timing = Record<string, number>;

interface Variant {
  key: string;
  label: string;
  /** name in the "vs runc" column of the rows compared with it */
  short?: string;
  /** key of the runc variant this one is compared with */
  versus?: string;
  run(id: string): Promise<Timing>;
}

interface Options {
  iterations: number;
  warmup: number;
  write: string | undefined;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      iterations: { type: 'string', default: '30' },
      warmup: { type: 'string', default: '3' },
      write: { type: 'string' },
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
  };
}

const now = (): number => Number(process.hrtime.bigint()) / 1e6;

/**
 * Everything one run owns: a temporary directory (state roots, pid files,
 * the stderr log), the bundle, the cgroup name in the bundle's config.
 */
class Bench {
  readonly berth = join(repoRoot(), 'bin', 'berth-runtime');
  readonly roots: { runc: string; berth: string; inproc: string };
  readonly cgroupName = `berth-bench-${process.pid}`;
  private readonly log: string;
  private readonly logFd: number;
  readonly library: LinuxRuntime;
  private readonly hierarchies: string[];

  private constructor(
    readonly tmp: string,
    readonly bundle: Bundle,
  ) {
    this.roots = { runc: join(tmp, 'runc'), berth: join(tmp, 'berth'), inproc: join(tmp, 'inproc') };
    this.log = join(tmp, 'stderr.log');
    this.logFd = openSync(this.log, 'a');
    this.library = new LinuxRuntime({ root: this.roots.inproc });
    this.hierarchies = readdirSync(CGROUP_ROOT)
      .map((n) => join(CGROUP_ROOT, n))
      .filter((p) => statSync(p).isDirectory());
  }

  static async open(): Promise<Bench> {
    const tmp = await mkdtemp(join(tmpdir(), 'berth-bench-'));
    try {
      const cgroup = `/berth-bench-${process.pid}`;
      const bundle = await makeBundle({
        mutate: (spec) => {
          // The fixture's spec: `runc spec`'s namespaces, mounts, masked and
          // read-only paths, Docker's default capabilities, no terminal.
          if (!spec.process || !spec.linux) throw new Error('fixture spec has no process or linux section');
          spec.process.args = ['/bin/true'];
          spec.hostname = 'bench';
          spec.linux.cgroupsPath = cgroup;
        },
      });
      return new Bench(tmp, bundle);
    } catch (e) {
      await rm(tmp, { recursive: true, force: true });
      throw e;
    }
  }

  /** Runs a command with no shell, stdout to /dev/null, stderr to the run's log; throws unless it exits 0. */
  async must(file: string, args: string[]): Promise<void> {
    const code = await new Promise<number>((resolvePromise, reject) => {
      // stdin and stdout 'ignore': `runc create` leaves the container holding
      // its stdio, and a pipe would keep a reader waiting on it.
      const child = spawn(file, args, { stdio: ['ignore', 'ignore', this.logFd] });
      child.once('error', reject);
      child.once('exit', (c, signal) => resolvePromise(c ?? (signal ? 128 : 1)));
    });
    if (code !== 0) {
      const text = readFileSync(this.log, 'utf8');
      throw new Error(`${file} ${args.join(' ')}: exit ${code}\n${text.slice(-2000)}`);
    }
  }

  /** The CLI way: create, start, wait for the process to exit, delete; four timed phases. */
  async cliLifecycle(bin: string, root: string, id: string): Promise<Timing> {
    const pidFile = join(this.tmp, `${id}.pid`);
    const g = ['--root', root];
    const t0 = now();
    try {
      await this.must(bin, [...g, 'create', '--bundle', this.bundle.dir, '--pid-file', pidFile, id]);
      const t1 = now();
      await this.must(bin, [...g, 'start', id]);
      const t2 = now();
      await waitStopped(Number(await readFile(pidFile, 'utf8')));
      const t3 = now();
      await this.must(bin, [...g, 'delete', id]);
      const t4 = now();
      return { create: t1 - t0, start: t2 - t1, wait: t3 - t2, delete: t4 - t3, total: t4 - t0 };
    } catch (e) {
      await this.must(bin, [...g, 'delete', '--force', id]).catch(() => {});
      throw e;
    } finally {
      await rm(pidFile, { force: true });
    }
  }

  /** `run`: create, start, wait and delete in one foreground command. */
  async cliRun(bin: string, root: string, id: string): Promise<Timing> {
    const t0 = now();
    try {
      await this.must(bin, ['--root', root, 'run', '--bundle', this.bundle.dir, id]);
    } catch (e) {
      await this.must(bin, ['--root', root, 'delete', '--force', id]).catch(() => {});
      throw e;
    }
    return { total: now() - t0 };
  }

  /** The library in this process, as berthd will call it: no Node start-up, no state re-read. */
  async inProcess(id: string): Promise<Timing> {
    const t0 = now();
    const task = await this.library.create(id, this.bundle.dir, { foreground: true, stdio: ['ignore', 'ignore', 'ignore'] });
    try {
      const t1 = now();
      await task.start();
      const t2 = now();
      const status = await task.wait();
      if (status.code !== 0) throw new Error(`in-process container ${id} exited with ${status.code}`);
      const t3 = now();
      await task.delete();
      const t4 = now();
      return { create: t1 - t0, start: t2 - t1, wait: t3 - t2, delete: t4 - t3, total: t4 - t0 };
    } catch (e) {
      await task.delete(true).catch(() => {});
      throw e;
    }
  }

  async timed(file: string, args: string[]): Promise<Timing> {
    const t0 = now();
    await this.must(file, args);
    return { total: now() - t0 };
  }

  variants(): Variant[] {
    const { runc, berth } = this.roots;
    return [
      { key: 'runc-cli', label: 'runc: create, start, delete', short: 'runc CLI', run: (id) => this.cliLifecycle(RUNC, runc, id) },
      {
        key: 'berth-cli',
        label: 'berth-runtime: create, start, delete',
        versus: 'runc-cli',
        run: (id) => this.cliLifecycle(this.berth, berth, id),
      },
      { key: 'runc-run', label: '`runc run`', short: '`runc run`', run: (id) => this.cliRun(RUNC, runc, id) },
      { key: 'berth-run', label: '`berth-runtime run`', versus: 'runc-run', run: (id) => this.cliRun(this.berth, berth, id) },
      {
        key: 'inproc',
        label: 'berth in-process: LinuxRuntime create, start, wait, delete',
        versus: 'runc-cli',
        run: (id) => this.inProcess(id),
      },
      { key: 'ref-true', label: 'reference: spawn `/bin/true`', run: () => this.timed('/bin/true', []) },
      {
        key: 'ref-node',
        // The same start-up bin/berth-runtime gets: without NODE_EXTRA_CA_CERTS, which costs ~35 ms a start.
        label: 'reference: `node -e 0`, as bin/berth-runtime starts Node',
        run: () => this.timed('/usr/bin/env', ['-u', 'NODE_EXTRA_CA_CERTS', process.execPath, '-e', '0']),
      },
      {
        key: 'ref-berth-help',
        label: 'reference: `berth-runtime help` (Node + loading berth)',
        run: () => this.timed(this.berth, ['help']),
      },
    ];
  }

  /** What a finished container must not leave: its cgroup in any hierarchy, its state directory. */
  leftovers(): string[] {
    const left = this.hierarchies.map((h) => join(h, this.cgroupName)).filter((p) => existsSync(p));
    for (const root of Object.values(this.roots)) {
      if (existsSync(root)) left.push(...readdirSync(root).map((n) => join(root, n)));
    }
    return left;
  }

  /** Best effort, on every path: containers, cgroups, the temporary directory, the bundle. */
  async close(): Promise<void> {
    const problems: string[] = [];
    for (const [name, root] of Object.entries(this.roots)) {
      if (!existsSync(root)) continue;
      for (const id of readdirSync(root)) {
        try {
          if (name === 'inproc') await (await this.library.load(id)).delete(true);
          else await this.must(name === 'runc' ? RUNC : this.berth, ['--root', root, 'delete', '--force', id]);
        } catch (e) {
          problems.push(`container ${id} in ${root}: ${(e as Error).message}`);
        }
      }
    }
    for (const h of this.hierarchies) {
      const dir = join(h, this.cgroupName);
      if (!existsSync(dir)) continue;
      try {
        rmdirSync(dir);
      } catch (e) {
        problems.push(`cgroup ${dir}: ${(e as Error).message}`);
      }
    }
    closeSync(this.logFd);
    await rm(this.tmp, { recursive: true, force: true });
    await this.bundle.cleanup();
    if (problems.length > 0) throw new Error(`cleanup failed:\n  ${problems.join('\n  ')}`);
  }
}

/** Polls until `pid` is gone or a zombie (its parent may not reap it at once); both runtimes then call it stopped. */
async function waitStopped(pid: number, timeoutMs = 10_000): Promise<void> {
  const deadline = now() + timeoutMs;
  for (;;) {
    let state: string | undefined;
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    } catch {
      return;
    }
    if (state === 'Z' || state === 'X') return;
    if (now() > deadline) throw new Error(`process ${pid} still running after ${timeoutMs} ms`);
    await sleep(1);
  }
}

interface Result {
  variant: Variant;
  total: Summary;
  phases: Record<string, Summary>;
}

async function measure(bench: Bench, opts: Options, stop: () => boolean): Promise<Result[]> {
  const variants = bench.variants();
  const samples = new Map<string, Timing[]>(variants.map((v) => [v.key, []]));
  const rounds = opts.warmup + opts.iterations;
  for (let i = 0; i < rounds && !stop(); i++) {
    const order = i % 2 === 0 ? variants : [...variants].reverse();
    for (const v of order) {
      const id = `bench-${process.pid}-${v.key}-${i}`;
      const timing = await v.run(id);
      const left = bench.leftovers();
      if (left.length > 0) throw new Error(`${v.label} (${id}) left behind:\n  ${left.join('\n  ')}`);
      if (i >= opts.warmup) samples.get(v.key)?.push(timing);
    }
    process.stderr.write(i < opts.warmup ? `warm-up ${i + 1}/${opts.warmup}\n` : `iteration ${i + 1 - opts.warmup}/${opts.iterations}\n`);
  }
  return variants.map((variant) => {
    const runs = samples.get(variant.key) ?? [];
    const phases: Record<string, Summary> = {};
    for (const phase of Object.keys(runs[0] ?? {})) {
      if (phase !== 'total') phases[phase] = summarize(runs.map((r) => r[phase] ?? NaN));
    }
    return { variant, total: summarize(runs.map((r) => r.total ?? NaN)), phases };
  });
}

function report(results: Result[], opts: Options, started: string, loadBefore: string): string {
  const by = new Map(results.map((r) => [r.variant.key, r]));
  const median = (key: string): number => by.get(key)?.total.median ?? NaN;
  const ratio = (a: string, b: string): string => `${(median(a) / median(b)).toFixed(2)}×`;
  const runcVersion = toolVersion(RUNC);
  const n = results[0]?.total.n ?? 0;

  const lines: string[] = [];
  lines.push(
    `Measured ${started} on ${machineLine()}; ${runcVersion}. ` +
      `Load average (1/5/15 min) ${loadBefore} before, ${loadLine()} after.`,
    '',
    `${n} iterations after ${opts.warmup} discarded warm-up rounds; each iteration runs every row once, ` +
      'alternating forward and reverse order. One bundle for all rows: `/bin/true`, no terminal, ' +
      "the default namespaces (pid, network, ipc, uts, mount, cgroup), Docker's default capabilities, " +
      'one cgroup per run. The harness is a Node process that spawns each command directly (no shell), ' +
      'stdout to /dev/null, and times it with the monotonic clock; "wait" polls /proc until the ' +
      'container process has exited. The in-process row calls the runtime library in the harness itself.',
    '',
    '| what | median ms | p10 ms | p90 ms | min ms | median vs runc |',
    '|---|---:|---:|---:|---:|---|',
  );
  for (const r of results) {
    const t = r.total;
    const vs = r.variant.versus ? `${ratio(r.variant.key, r.variant.versus)} ${by.get(r.variant.versus)?.variant.short ?? ''}` : '';
    lines.push(`| ${r.variant.label} | ${ms(t.median)} | ${ms(t.p10)} | ${ms(t.p90)} | ${ms(t.min)} | ${vs} |`);
  }

  lines.push('', 'Where the time goes, phase by phase (median ms; "wait" is from `start` returning to the process having exited):', '');
  lines.push('| phase | runc CLI | berth-runtime CLI | berth in-process |', '|---|---:|---:|---:|');
  for (const phase of ['create', 'start', 'wait', 'delete']) {
    const cell = (key: string): string => ms(by.get(key)?.phases[phase]?.median ?? NaN);
    lines.push(`| ${phase} | ${cell('runc-cli')} | ${cell('berth-cli')} | ${cell('inproc')} |`);
  }

  lines.push('', interpretation(by), '');
  return lines.join('\n');
}

/** The reading of the numbers, computed from them so that it cannot go stale when the numbers change. */
function interpretation(by: Map<string, Result>): string {
  const m = (key: string): number => by.get(key)?.total.median ?? NaN;
  const phase = (key: string, p: string): number => by.get(key)?.phases[p]?.median ?? NaN;
  const cli = m('berth-cli');
  const runcCli = m('runc-cli');
  const run = m('berth-run');
  const runcRun = m('runc-run');
  const help = m('ref-berth-help');
  const node = m('ref-node');
  const inproc = m('inproc');
  const compare = (a: number, b: number): string =>
    a >= b ? `${ms(a - b)} ms (${(a / b).toFixed(1)}×) slower than` : `${ms(b - a)} ms (${(b / a).toFixed(1)}×) faster than`;
  const pct = (a: number, b: number): string => `${Math.round((100 * a) / b)} %`;

  return [
    `**Reading.** berth-runtime's CLI path (${ms(cli)} ms) is ${compare(cli, runcCli)} runc's (${ms(runcCli)} ms), ` +
      `and \`berth-runtime run\` (${ms(run)} ms) is ${compare(run, runcRun)} \`runc run\` (${ms(runcRun)} ms): ` +
      `the target "CLI path no slower than runc" is ${cli <= runcCli && run <= runcRun ? 'met' : 'not met'}. `,
    `Every berth-runtime command is a new Node process. One that loads berth's modules and exits ` +
      `(\`berth-runtime help\`) takes ${ms(help)} ms: ${ms(node)} ms of bare Node start-up (\`node -e 0\`) and ` +
      `${ms(help - node)} ms of loading berth's modules. The CLI path runs three commands, so about ` +
      `${ms(3 * help)} ms (${pct(3 * help, cli)} of it) goes before any container work. What remains, ` +
      `${ms(cli - 3 * help)} ms, is ${((cli - 3 * help) / inproc).toFixed(1)}× the in-process path below, whose code ` +
      `runs warm in one process where each command runs it cold. \`run\` pays one start-up ` +
      `(${pct(help, run)} of it). runc, a Go binary, spends ${ms(phase('runc-cli', 'start'))} ms on \`start\` and ` +
      `${ms(phase('runc-cli', 'delete'))} ms on \`delete\`, where berth-runtime spends ` +
      `${ms(phase('berth-cli', 'start'))} and ${ms(phase('berth-cli', 'delete'))} ms. `,
    `The in-process path (how berthd uses the runtime: no Node start-up) takes ${ms(inproc)} ms ` +
      `(p10 ${ms(by.get('inproc')?.total.p10 ?? NaN)}, min ${ms(by.get('inproc')?.total.min ?? NaN)}) for the same ` +
      `create, start, wait and delete, ${(inproc / runcCli).toFixed(2)}× runc's CLI path and ` +
      `${(inproc / runcRun).toFixed(2)}× \`runc run\`. Nearly all of it is create ` +
      `(${ms(phase('inproc', 'create'))} ms: spec to plan, the cgroup, the C core setting up namespaces, mounts and ` +
      `the rootfs; runc's create, Go start-up included, is ${ms(phase('runc-cli', 'create'))} ms). On a cgroup v1 ` +
      'host much of create is the kernel moving the first process into its new cgroup (the write to ' +
      '`cgroup.procs` waits for an RCU grace period under cgroup_threadgroup_rwsem, seen with strace), which ' +
      `runc pays as well. Start is ` +
      `${ms(phase('inproc', 'start'))} ms and delete ${ms(phase('inproc', 'delete'))} ms. Bare crun measured ` +
      '≈ 10–12 ms per container on this kind of machine (PEERS.md; crun 1.8 refuses this hybrid cgroup host, ' +
      `so it is not in this run): the in-process path is about ${(inproc / 11).toFixed(1)}× that kernel-bound cost` +
      (inproc <= 15 ? ', close to it.' : ', not yet close to it.'),
  ].join('');
}

async function main(): Promise<void> {
  const opts = options();
  if (process.getuid?.() !== 0) throw new Error('runtime-lifecycle: run as root (it creates containers)');
  const started = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
  const loadBefore = loadLine();
  let stopping = false;
  const onSignal = (): void => {
    stopping = true;
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  const bench = await Bench.open();
  let results: Result[];
  try {
    results = await measure(bench, opts, () => stopping);
  } finally {
    await bench.close();
  }
  if (stopping) throw new Error('interrupted; cleaned up, nothing written');

  const body = report(results, opts, started, loadBefore);
  process.stdout.write(`${HEADING}\n\n${body}`);
  if (opts.write) {
    const file = resolve(opts.write);
    await writeSection(file, HEADING, body);
    process.stderr.write(`wrote the section "${HEADING.slice(3)}" of ${file}\n`);
  }
}

main().catch((e: unknown) => {
  process.stderr.write(`${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
  process.exitCode = 1;
});

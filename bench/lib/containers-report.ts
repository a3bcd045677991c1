/**
 * The container benchmark's section of docs/benchmarks.md: how it was
 * measured, one table per benchmark (median, p90, ratio to the docker CLI
 * → dockerd), and a reading computed from the numbers, so that it cannot
 * go stale when they change.
 */
import type { EngineKey } from './container-engines.js';
import type { IdleMemory } from './idle-memory.js';
import type { CaseResult } from './interleave.js';
import { loadLine, machineLine } from './machine.js';
import { memorySection } from './memory-report.js';
import { ms } from './stats.js';

export interface Results {
  opts: { iterations: number; warmup: number; timeoutMs: number };
  started: string;
  loadBefore: string;
  versions: Record<EngineKey | 'dockerCli', string>;
  run?: CaseResult[];
  exec?: CaseResult[];
  /** by number of running containers */
  stats?: Record<number, CaseResult[]>;
  memory?: IdleMemory[];
}

const TARGET = { run: 0.2, exec: 0.3, statsMs: 100 };

const med = (rows: CaseResult[] | undefined, key: string): number => rows?.find((r) => r.key === key)?.summary?.median ?? NaN;
const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}×`;
const met = (ok: boolean): string => (ok ? 'met' : 'not met');

function failed(r: CaseResult): string {
  return r.failures.length > 0 ? `${r.failures.length} of ${r.attempts}` : '';
}

function timeTable(rows: CaseResult[]): string[] {
  const docker = med(rows, 'docker');
  const out = ['| what | median ms | p90 ms | min ms | median vs docker CLI → dockerd | failed |', '|---|---:|---:|---:|---:|---|'];
  for (const r of rows) {
    const s = r.summary;
    const vs = r.key.startsWith('ref-') || !s ? '' : ratio(s.median, docker);
    out.push(`| ${r.label} | ${s ? ms(s.median) : '—'} | ${s ? ms(s.p90) : '—'} | ${s ? ms(s.min) : '—'} | ${vs} | ${failed(r)} |`);
  }
  return out;
}

function phaseTable(rows: CaseResult[]): string[] {
  const b = rows.find((r) => r.key === 'api-berthd')?.phases ?? {};
  const d = rows.find((r) => r.key === 'api-dockerd')?.phases ?? {};
  const out = ['| Engine API call (median ms) | berthd | dockerd |', '|---|---:|---:|'];
  for (const phase of Object.keys(b)) out.push(`| ${phase} | ${ms(b[phase] ?? NaN)} | ${ms(d[phase] ?? NaN)} |`);
  return out;
}

/** Where the berth CLI's time goes: Node, loading the CLI, the daemon's work, and what is left for the CLI's own requests. */
function cliSplit(rows: CaseResult[], what: string, refs: CaseResult[] = rows): string {
  const berth = med(rows, 'berth');
  const viaDocker = med(rows, 'docker-berthd');
  const api = med(rows, 'api-berthd');
  const node = med(refs, 'ref-node');
  const help = med(refs, 'ref-help');
  const parts =
    Number.isFinite(node) && Number.isFinite(help)
      ? `${ms(node)} ms of it is Node starting, ${ms(help - node)} ms loading the CLI bundle (\`berth --help\` takes ${ms(help)} ms${refs === rows ? '' : ' in the run table'}), ` +
        `${ms(api)} ms the daemon's work for the same API calls made from a running process, and the remaining ` +
        `${ms(berth - help - api)} ms the CLI's own requests and processing${what.startsWith('run') ? ' (attach, wait and their connections; the CLI opens a connection per request)' : ''}. `
      : `The same API calls made from a running process take ${ms(api)} ms, so the CLI adds ${ms(berth - api)} ms. `;
  return (
    `The berth CLI takes ${ms(berth)} ms for \`${what}\`, the docker CLI ${ms(viaDocker)} ms against the same berthd: ` +
    `${ms(berth - viaDocker)} ms of the difference is the berth CLI. ${parts}`
  );
}

function runSection(rows: CaseResult[]): string[] {
  const berth = med(rows, 'berth');
  const docker = med(rows, 'docker');
  const bp = rows.find((x) => x.key === 'api-berthd')?.phases ?? {};
  const dp = rows.find((x) => x.key === 'api-dockerd')?.phases ?? {};
  const k = (p: Record<string, number>, n: string): string => ms(p[n] ?? NaN);
  return [
    '### `run --rm IMAGE true`',
    '',
    'Each row runs a container of the busybox image that runs `true`, waits for it to exit and removes it, all with `--network none`. ' +
      'CLI rows: from spawning the CLI to its exit. API rows: the harness (a running Node process) makes the calls the CLIs make, ' +
      'minus attach: create (AutoRemove), wait for `removed` (sent before start, as the CLIs do), start, and the wait\'s answer. ' +
      'The reference rows are what any berth CLI command pays before its first request.',
    '',
    ...timeTable(rows),
    '',
    ...phaseTable(rows),
    '',
    `**Reading.** berth CLI → berthd takes ${ms(berth)} ms, ${ratio(berth, docker)} docker CLI → dockerd (${ms(docker)} ms): ` +
      `the target ≤ ${TARGET.run}× is ${met(berth / docker <= TARGET.run)}. ${cliSplit(rows, 'run --rm')}` +
      `In berthd, create takes ${k(bp, 'create')} ms (dockerd ${k(dp, 'create')}), start ${k(bp, 'start')} ms (dockerd ${k(dp, 'start')}), ` +
      `and from start returning to the container being exited and removed ${k(bp, 'exit and removal')} ms (dockerd ${k(dp, 'exit and removal')}).` +
      failureNote(rows),
  ];
}

function execSection(rows: CaseResult[], refs: CaseResult[] | undefined): string[] {
  const berth = med(rows, 'berth');
  const docker = med(rows, 'docker');
  const bp = rows.find((x) => x.key === 'api-berthd')?.phases ?? {};
  const dp = rows.find((x) => x.key === 'api-dockerd')?.phases ?? {};
  return [
    '### `exec CONTAINER true`',
    '',
    'One running `sleep` container per engine (berthd\'s serves both CLIs). CLI rows: spawn to exit of `exec ID true`. ' +
      'API rows: exec create, exec start without detaching (its reply ends when the process has exited and its output is drained), exec inspect.',
    '',
    ...timeTable(rows),
    '',
    ...phaseTable(rows),
    '',
    `**Reading.** berth CLI → berthd takes ${ms(berth)} ms, ${ratio(berth, docker)} docker CLI → dockerd (${ms(docker)} ms): ` +
      `the target ≤ ${TARGET.exec}× is ${met(berth / docker <= TARGET.exec)}. ${cliSplit(rows, 'exec', refs)}` +
      `In berthd an exec takes ${ms(bp['create'] ?? NaN)} ms to create and ${ms(bp['start to end'] ?? NaN)} ms from start to its end ` +
      `(dockerd ${ms(dp['create'] ?? NaN)} and ${ms(dp['start to end'] ?? NaN)} ms); berthd runs every exec under a shim of its own.` +
      failureNote(rows),
  ];
}

function statsSection(stats: Record<number, CaseResult[]>): string[] {
  const counts = Object.keys(stats).map(Number);
  const out = [
    '### `stats --no-stream`',
    '',
    `With ${counts.join(' and then ')} running \`sleep\` containers on each engine at once (every engine's CLI lists only its own); ` +
      'spawn to exit of `stats --no-stream`, whose output is checked to list every container. ' +
      'Both CLIs ask for each container\'s stats in a request of its own, not streamed, with `one-shot=false` (the daemon measures a CPU interval). ' +
      'The API row makes the berth CLI\'s requests from the harness: the list of running containers, then every container\'s stats at once.',
    '',
    `| what | ${counts.map((n) => `${n}: median ms | ${n}: p90 ms | ${n}: vs docker`).join(' | ')} | failed |`,
    `|---|${counts.map(() => '---:|---:|---:').join('|')}|---|`,
  ];
  const first = stats[counts[0] ?? 0] ?? [];
  for (const row of first) {
    const cells = counts.map((n) => {
      const r = stats[n]?.find((x) => x.key === row.key);
      const s = r?.summary;
      return s ? `${ms(s.median)} | ${ms(s.p90)} | ${ratio(s.median, med(stats[n], 'docker'))}` : '— | — | —';
    });
    const f = counts.map((n) => stats[n]?.find((x) => x.key === row.key)).filter((r): r is CaseResult => !!r && r.failures.length > 0);
    out.push(`| ${row.label} | ${cells.join(' | ')} | ${f.map(failed).join(', ')} |`);
  }
  const last = counts[counts.length - 1] ?? 0;
  const b = med(stats[last], 'berth');
  const b0 = med(stats[counts[0] ?? 0], 'berth');
  out.push(
    '',
    `**Reading.** With ${last} containers the berth CLI takes ${ms(b)} ms: the target ≤ ${TARGET.statsMs} ms is ${met(b <= TARGET.statsMs)}` +
      (counts.length > 1 ? ` (${ms(b0)} ms with ${counts[0]}: ${ms((b - b0) / (last - (counts[0] ?? 0)))} ms per container more).` : '.') +
      ` The same requests made by a running process take ${ms(med(stats[last], 'api-berthd'))} ms, so ${ms(b - med(stats[last], 'api-berthd'))} ms of the CLI's time is its own.` +
      ` The docker CLI takes ${ms(med(stats[last], 'docker-berthd'))} ms against berthd, most of it its own: it exits about half a second after its last request ` +
      `has left (seen with strace), while berthd answers each in a few milliseconds. Against dockerd it takes ${ms(med(stats[last], 'docker'))} ms; podman ${ms(med(stats[last], 'podman'))} ms.` +
      Object.values(stats).map(failureNote).join(''),
  );
  return out;
}

function failureNote(rows: CaseResult[]): string {
  return rows
    .filter((r) => r.failures.length > 0)
    .map((r) => ` ${r.label} failed ${r.failures.length} of ${r.attempts} times (not in the statistics); the first: ${r.failures[0]?.replace(/\s+/g, ' ').slice(0, 300)}.`)
    .join('');
}

export function report(r: Results): string {
  const lines = [
    `Measured ${r.started} on ${machineLine()}. Load average (1/5/15 min) ${r.loadBefore} before, ${loadLine()} after.`,
    '',
    `Versions: ${r.versions.berthd}; ${r.versions.dockerd}, ${r.versions.dockerCli}; ${r.versions.podman} (crun 1.8 refuses this hybrid cgroup host), overlay storage.`,
    '',
    `${r.opts.iterations} iterations after ${r.opts.warmup} discarded warm-up rounds; each iteration runs every row of a table once, alternating forward and reverse order. ` +
      'The same busybox root filesystem (test/fixtures/busybox-image.ts) is imported into the three engines. Every container runs with `--network none` ' +
      '(a network namespace with only loopback), so that no engine pays for a bridge and a veth pair. ' +
      'berthd is a private daemon (own root, exec root, socket and cgroup parent, and a default bridge and nftables table of its own, which no container here joins); ' +
      'so is dockerd (own data root, exec root and socket, no bridge, no iptables); podman has its own root and runroot and runs runc. ' +
      'The berth CLI runs without the NODE_EXTRA_CA_CERTS this host sets (it costs every Node start-up ~35 ms). ' +
      `A CLI command is timed from spawning it (no shell, stdin /dev/null, output to pipes) to its exit, on the monotonic clock; a command that fails or hangs (killed after ${r.opts.timeoutMs / 1000} s) counts as failed and is left out of the statistics.`,
  ];
  if (r.run) lines.push('', ...runSection(r.run));
  if (r.exec) lines.push('', ...execSection(r.exec, r.run));
  if (r.stats) lines.push('', ...statsSection(r.stats));
  if (r.memory) lines.push('', ...memorySection(r.memory));
  return `${lines.join('\n')}\n`;
}

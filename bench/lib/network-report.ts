/**
 * The network benchmark's section of docs/benchmarks.md: how it was
 * measured, one table per part (median, p90, ratio to docker CLI →
 * dockerd), where berthd's time goes in `run -d -p`, and a reading computed
 * from the numbers, so that it cannot go stale when they change.
 */
import type { EngineKey } from './container-engines.js';
import type { CaseResult } from './interleave.js';
import { loadLine, machineLine } from './machine.js';
import { PROGRAM_ROLES, type PublishTrace } from './publish-trace.js';
import { ms, summarize } from './stats.js';
import type { WrkResult } from './wrk.js';

export interface Throughput {
  rows: { key: string; label: string; runs: WrkResult[] }[];
  conntrackWaitsMs: number[];
}

export interface NetResults {
  opts: { iterations: number; warmup: number; timeoutMs: number; duration: number; connections: number; rounds: number; traceRuns: number };
  started: string;
  loadBefore: string;
  versions: Record<EngineKey | 'dockerCli', string>;
  wrk: string;
  names: { berthBridge: string; cniBridge: string; dockerBridge: string; table: string; dockerSubnet: string; podmanSubnet: string };
  conntrack: { max: number; share: number };
  /** TCP sockets of the host (any state) when the publish part started */
  hostTcpSockets?: number;
  publish?: CaseResult[];
  trace?: PublishTrace;
  throughput?: Throughput;
  run?: CaseResult[];
}

const TARGET = { publish: 0.3, run: 0.2 };

const med = (rows: CaseResult[] | undefined, key: string): number => rows?.find((r) => r.key === key)?.summary?.median ?? NaN;
const phase = (rows: CaseResult[] | undefined, key: string, name: string): number => rows?.find((r) => r.key === key)?.phases[name] ?? NaN;
const ratio = (a: number, b: number): string => `${(a / b).toFixed(2)}×`;
const met = (ok: boolean): string => (ok ? 'met' : 'not met');

function failed(r: CaseResult): string {
  return r.failures.length > 0 ? `${r.failures.length} of ${r.attempts}` : '';
}

function failureNote(rows: CaseResult[]): string {
  return rows
    .filter((r) => r.failures.length > 0)
    .map((r) => ` ${r.label} failed ${r.failures.length} of ${r.attempts} times (not in the statistics); the first: ${r.failures[0]?.replace(/\s+/g, ' ').slice(0, 300)}.`)
    .join('');
}

function timeTable(rows: CaseResult[], extra?: { title: string; phase: string }): string[] {
  const docker = med(rows, 'docker');
  const head = `| what | median ms | p90 ms | min ms |${extra ? ` ${extra.title} |` : ''} median vs docker CLI → dockerd | failed |`;
  const out = [head, `|---|---:|---:|---:|${extra ? '---:|' : ''}---:|---|`];
  for (const r of rows) {
    const s = r.summary;
    const vs = r.key.startsWith('ref-') || !s ? '' : ratio(s.median, docker);
    const x = extra ? ` ${Number.isFinite(r.phases[extra.phase] ?? NaN) ? ms(r.phases[extra.phase] ?? NaN) : ''} |` : '';
    out.push(`| ${r.label} | ${s ? ms(s.median) : '—'} | ${s ? ms(s.p90) : '—'} | ${s ? ms(s.min) : '—'} |${x} ${vs} | ${failed(r)} |`);
  }
  return out;
}

function phaseTable(rows: CaseResult[]): string[] {
  const b = rows.find((r) => r.key === 'api-berthd')?.phases ?? {};
  const d = rows.find((r) => r.key === 'api-dockerd')?.phases ?? {};
  const out = ['| Engine API call (median ms) | berthd | dockerd |', '|---|---:|---:|'];
  for (const p of Object.keys(b)) out.push(`| ${p} | ${ms(b[p] ?? NaN)} | ${ms(d[p] ?? NaN)} |`);
  return out;
}

function traceTable(t: PublishTrace): string[] {
  const out = [
    "| in berthd's start (median of the traced runs) | berthd's own code before it, ms | starts at, ms from the request | takes ms |",
    '|---|---:|---:|---:|',
  ];
  for (const p of t.programs) {
    const role = PROGRAM_ROLES[p.name] ?? `\`${p.name}\``;
    out.push(`| ${role}${p.runs < t.runs ? ` (in ${p.runs} of ${t.runs} runs)` : ''} | ${ms(p.before)} | ${ms(p.offset)} | ${ms(p.duration)} |`);
  }
  out.push(`| start answers (the container's process was exec'd at ${ms(t.workloadExec)} ms) | ${ms(t.afterLast)} | ${ms(t.start)} | |`);
  out.push(`| sum: berthd's own code within start (start less the programs above) | ${ms(t.ownCode)} | | |`);
  return out;
}

function publishSection(rows: CaseResult[], trace: PublishTrace | undefined, tcpSockets: number | undefined): string[] {
  const berth = med(rows, 'berth');
  const docker = med(rows, 'docker');
  const viaDocker = med(rows, 'docker-berthd');
  const api = med(rows, 'api-berthd');
  const k = (key: string, p: string): string => ms(phase(rows, key, p));
  const out = [
    '### `run -d -p HOSTPORT:80` until the first HTTP 200',
    '',
    'CLI rows: from spawning `run -d -p HOSTPORT:80 IMAGE sh -c \'mkdir -p /www && echo TOKEN > /www/index.html && exec httpd -f -p 80 -h /www\'` ' +
      'to the first `GET /` on 127.0.0.1:HOSTPORT that answers 200 with TOKEN: the CLI\'s run (create, start; the CLI exits once the container runs), ' +
      'then the harness polling (a new connection every 5 ms; a try that gets no answer in 250 ms is abandoned) until busybox httpd in the container answers through the engine\'s port publishing. ' +
      'Polling starts when the CLI has exited, as `run -d … && curl …` would. The container is then removed (`rm -f`, not timed). Each row has a host port of its own. ' +
      'API rows: the harness makes the create (ExposedPorts, PortBindings) and start calls itself and polls the same way.' +
      (tcpSockets !== undefined ? ` The host had ${tcpSockets} TCP socket${tcpSockets === 1 ? '' : 's'} (/proc/net/tcp and tcp6, every state) when this part began.` : ''),
    '',
    ...timeTable(rows, { title: 'CLI returned, median ms', phase: 'CLI returned' }),
    '',
    ...phaseTable(rows),
  ];
  if (trace) {
    out.push(
      '',
      `Where berthd's time goes: ${trace.runs} more create + start calls from the harness, with \`perf record\` of the scheduler's fork, exec and exit tracepoints on berthd and everything it starts ` +
        '(tracepoints, not ptrace: the daemon is not stopped at its system calls), on the clock the harness times its calls with. Each program\'s time is berthd waiting for it; ' +
        `in these runs create took ${ms(trace.create)} ms, start ${ms(trace.start)} ms, and the first HTTP 200 came ${ms(trace.serve)} ms after start answered (total ${ms(trace.total)} ms).` +
        (trace.duringCreate.length > 0 ? ` During create berthd ran ${trace.duringCreate.join(', ')}.` : ' berthd runs no program during create.'),
      '',
      ...traceTable(trace),
    );
  }
  const program = (name: string): number => trace?.programs.find((p) => p.name === name)?.duration ?? 0;
  const before = (name: string): number => trace?.programs.find((p) => p.name === name)?.before ?? NaN;
  const network = trace ? program('umount') + program('unshare') + program('nsenter') + program('nft') : NaN;
  out.push(
    '',
    `**Reading.** berth CLI → berthd takes ${ms(berth)} ms from \`run -d -p\` to the first HTTP 200, ${ratio(berth, docker)} docker CLI → dockerd (${ms(docker)} ms): ` +
      `the target ≤ ${TARGET.publish}× is ${met(berth / docker <= TARGET.publish)}. ` +
      `Its CLI returns after ${k('berth', 'CLI returned')} ms (docker's after ${k('docker', 'CLI returned')} ms) and the page is served ${k('berth', 'CLI returned → first HTTP 200')} ms later ` +
      `(docker ${k('docker', 'CLI returned → first HTTP 200')} ms, through docker-proxy). The docker CLI takes ${ms(viaDocker)} ms against the same berthd; ` +
      `the same calls from a running process take ${ms(api)} ms against berthd and ${ms(med(rows, 'api-dockerd'))} ms against dockerd, ` +
      `so the berth CLI adds ${ms(berth - api)} ms (Node's start-up, loading the CLI, its own requests). podman takes ${ms(med(rows, 'podman'))} ms.` +
      (trace
        ? ` In berthd's start (${ms(trace.start)} ms in the traced runs), the network's programs take ${ms(network)} ms ` +
          `(namespace ${ms(program('unshare'))}, veth ${ms(program('nsenter'))}, rules ${ms(program('nft'))}, the \`umount\` of a namespace file that is not there ${ms(program('umount'))}), ` +
          `the root filesystem's mount ${ms(program('mount'))} ms, the runtime until the container's process runs ${ms(program('berth-shim'))} ms in berth-shim and berth-core, ` +
          `and berthd's own code between them ${ms(trace.ownCode)} ms: of that, ${ms(before('nft'))} ms come after the veth and before \`nft\` ` +
          '(hairpin mode on the bridge port, the check of the host port against the host\'s sockets, which reads the whole TCP socket table from /proc/net/tcp, every TIME_WAIT entry included, ' +
          `the state files, the rules' text) and ${ms(before('berth-shim'))} ms after the mount and before berth-shim (/etc files, the OCI spec, the runtime's plan, the container's cgroups).`
        : '') +
      failureNote(rows),
  );
  return out;
}

function throughputSection(t: Throughput, opts: NetResults['opts'], conntrack: NetResults['conntrack']): string[] {
  const stat = (runs: WrkResult[], f: (w: WrkResult) => number): number => (runs.length > 0 ? summarize(runs.map(f)).median : NaN);
  const rps = (key: string): number => stat(t.rows.find((r) => r.key === key)?.runs ?? [], (w) => w.rps);
  const docker = rps('docker');
  const berth = rps('berth');
  const p50 = (key: string): number => stat(t.rows.find((r) => r.key === key)?.runs ?? [], (w) => w.p50);
  const p99 = (key: string): number => stat(t.rows.find((r) => r.key === key)?.runs ?? [], (w) => w.p99);
  const out = [
    '### Throughput through a published port',
    '',
    `A container per engine runs busybox \`httpd -f -p 80 -h /www\` serving a 1 KiB index.html, published with \`-p HOSTPORT:80\` (started by each engine's own CLI). ` +
      `The load is \`wrk -t 1 -c ${opts.connections} -d ${opts.duration}s --latency http://127.0.0.1:HOSTPORT/\` on the host: one thread, ${opts.connections} connections ` +
      '(busybox httpd listens with a backlog of 9; more connections than that lose SYNs to a full accept queue and their one-second retransmissions, whoever carries the port), ' +
      `the same for every row; ${opts.rounds} runs per published port, their order rotating from round to round, after a discarded 1 s run of each. ` +
      'busybox httpd closes the connection after every response, so every request is a new TCP connection through the port\'s path: nftables DNAT for berthd and podman, ' +
      'docker-proxy (a userland process that accepts on 127.0.0.1 and connects to the container) for dockerd. ' +
      'Requests/s is all of it; wrk\'s latency runs from writing a request to the end of its response, so it leaves out the connection set-up. ' +
      'The reference rows send the same load to a second berth and a second docker container (not published) at their own addresses on their bridges, without NAT or proxy, ' +
      'once each, before the rounds: the host\'s connections to a non-loopback address end in TIME_WAIT on the host\'s side and, unlike loopback ones (net.ipv4.tcp_tw_reuse=2), ' +
      'cannot reuse such a port, so at these rates a second run finds the ephemeral ports for that address used up and waits a second for many of its SYNs. ' +
      'Every row has a container of its own: two rows sending to one container collide in its connections\' addresses and ports. ' +
      `Every request leaves a conntrack entry for two minutes (TIME_WAIT); a run waits while the host\'s table is more than ${(conntrack.share * 100).toFixed(0)} % full (of ${conntrack.max} entries): ` +
      (t.conntrackWaitsMs.length > 0 ? `it waited ${t.conntrackWaitsMs.length} times, ${ms(t.conntrackWaitsMs.reduce((a, b) => a + b, 0) / 1000)} s in all.` : 'it never had to.'),
    '',
    '| what | requests/s, median | min – max | latency p50 ms | p90 ms | p99 ms | errors | requests/s vs docker |',
    '|---|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of t.rows) {
    const runs = r.runs;
    if (runs.length === 0) {
      out.push(`| ${r.label} | — | | | | | | |`);
      continue;
    }
    const x = runs.map((w) => w.rps);
    out.push(
      `| ${r.label} | ${stat(runs, (w) => w.rps).toFixed(0)} | ${Math.min(...x).toFixed(0)} – ${Math.max(...x).toFixed(0)} | ${ms(stat(runs, (w) => w.p50))} | ` +
        `${ms(stat(runs, (w) => w.p90))} | ${ms(stat(runs, (w) => w.p99))} | ${runs.reduce((a, w) => a + w.errors, 0)} | ${r.key === 'ref-docker' || r.key === 'ref-berth' ? '' : ratio(stat(runs, (w) => w.rps), docker)} |`,
    );
  }
  const refB = rps('ref-berth');
  const refD = rps('ref-docker');
  out.push(
    '',
    `**Reading.** Through its published port berthd's container answers ${berth.toFixed(0)} requests/s, ${ratio(berth, docker)} dockerd's ${docker.toFixed(0)}: ` +
      `the target ≥ docker is ${met(berth >= docker)}. podman's (DNAT too) ${rps('podman').toFixed(0)}/s. ` +
      `Without NAT or proxy the berth container answers ${refB.toFixed(0)}/s and the docker container ${refD.toFixed(0)}/s: ` +
      `through its published port berth's gets ${ms((berth / refB) * 100)} % of that, docker's ${ms((docker / refD) * 100)} % (docker-proxy accepts every connection and opens another to the container). ` +
      `Per request, from writing it to the end of the response, berth's port answers in ${ms(p50('berth'))} ms (median; p99 ${ms(p99('berth'))} ms), docker's in ${ms(p50('docker'))} ms (p99 ${ms(p99('docker'))} ms), ` +
      `podman's in ${ms(p50('podman'))} ms (p99 ${ms(p99('podman'))} ms).`,
  );
  return out;
}

function runSection(rows: CaseResult[]): string[] {
  const berth = med(rows, 'berth');
  const docker = med(rows, 'docker');
  const k = (key: string, p: string): string => ms(phase(rows, key, p));
  return [
    '### `run --rm IMAGE true` on the default bridge',
    '',
    'Each row runs a container of the busybox image that runs `true` on its engine\'s default bridge (no `--network` flag: a namespace, a veth pair, an address), ' +
      'waits for it to exit and removes it. CLI rows: spawn to exit. API rows: create (AutoRemove), wait for `removed` (sent before start, as the CLIs do), start, and the wait\'s answer. ' +
      'The reference rows are the same command with `--network none`, what the bridge costs.',
    '',
    ...timeTable(rows),
    '',
    ...phaseTable(rows),
    '',
    `**Reading.** berth CLI → berthd takes ${ms(berth)} ms, ${ratio(berth, docker)} docker CLI → dockerd (${ms(docker)} ms): ` +
      `the target ≤ ${TARGET.run}× is ${met(berth / docker <= TARGET.run)}. The bridge costs berth ${ms(berth - med(rows, 'none-berth'))} ms ` +
      `over \`--network none\` (${ms(med(rows, 'none-berth'))} ms), docker ${ms(docker - med(rows, 'none-docker'))} ms (${ms(med(rows, 'none-docker'))} ms). ` +
      `The docker CLI takes ${ms(med(rows, 'docker-berthd'))} ms against the same berthd, podman ${ms(med(rows, 'podman'))} ms. ` +
      `In berthd, create takes ${k('api-berthd', 'create')} ms (dockerd ${k('api-dockerd', 'create')}), start ${k('api-berthd', 'start')} ms (dockerd ${k('api-dockerd', 'start')}), ` +
      `and from start answering to the container having exited and been removed ${k('api-berthd', 'exit and removal')} ms (dockerd ${k('api-dockerd', 'exit and removal')}).` +
      failureNote(rows),
  ];
}

export function report(r: NetResults): string {
  const lines = [
    `Measured ${r.started} on ${machineLine()}. Load average (1/5/15 min) ${r.loadBefore} before, ${loadLine()} after.`,
    '',
    `Versions: ${r.versions.berthd}; ${r.versions.dockerd}, ${r.versions.dockerCli}; ${r.versions.podman}; wrk ${r.wrk}.`,
    '',
    `${r.opts.iterations} iterations after ${r.opts.warmup} discarded warm-up rounds for the timed tables; each iteration runs every row once, alternating forward and reverse order. ` +
      'The same busybox root filesystem (test/fixtures/busybox-image.ts) is imported into the three engines. ' +
      `Every container is on its engine's default bridge: berthd's (\`--bridge ${r.names.berthBridge}\`, rules in the nftables table \`${r.names.table}\`, ` +
      `published ports by DNAT, no proxy process); dockerd's default bridge under a name of ours (${r.names.dockerBridge} on ${r.names.dockerSubnet}, made by the harness and given with \`--bridge\`, ` +
      'which dockerd then uses as it would docker0; another benchmark on this host removes any docker0 it did not see before), its iptables chains, docker-proxy for each published port and address family, ' +
      'the default userland proxy, which carries loopback traffic); podman\'s through CNI (podman 4.3 uses netavark when installed; it is not on this host, ' +
      `where podman picks CNI): podman's default network (bridge, host-local, portmap, firewall) with its own name, bridge ${r.names.cniBridge} on ${r.names.podmanSubnet}, published ports by DNAT (portmap). ` +
      'dockerd is a private daemon (own data root, exec root, socket and cgroup parent); podman has its own root and runroot and runs runc (crun 1.8 refuses this hybrid cgroup host). ' +
      'The berth CLI runs without the NODE_EXTRA_CA_CERTS this host sets (it costs every Node start-up ~35 ms). ' +
      `A CLI command is timed from spawning it (no shell, stdin /dev/null, output to pipes) to its exit on the monotonic clock; one that fails or hangs (killed after ${r.opts.timeoutMs / 1000} s) counts as failed and is left out of the statistics. ` +
      'All traffic goes to 127.0.0.1 and to the containers\' addresses on those bridges. The host\'s links, addresses, routes, iptables and nftables rules, forwarding sysctls and the engines\' directories ' +
      'are compared before and after the run; the section is written only when they match.',
  ];
  if (r.publish) lines.push('', ...publishSection(r.publish, r.trace, r.hostTcpSockets));
  if (r.run) lines.push('', ...runSection(r.run));
  if (r.throughput) lines.push('', ...throughputSection(r.throughput, r.opts, r.conntrack));
  return `${lines.join('\n')}\n`;
}

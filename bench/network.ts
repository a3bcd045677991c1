/**
 * The network benchmark: berthd next to Debian's docker.io (a private
 * dockerd) and podman, in one run, every container on its engine's default
 * bridge, the same busybox image imported into each:
 *
 *   publish     `run -d -p HOSTPORT:80 IMAGE sh -c '… httpd …'` until the first
 *               HTTP 200 on 127.0.0.1:HOSTPORT, then the container is removed;
 *               plus, from berthd's side, which programs its start runs and for
 *               how long (perf's scheduler tracepoints, lib/exec-trace.ts)
 *   throughput  wrk from the host against one busybox httpd per engine on a
 *               published port on 127.0.0.1, the same duration and connections
 *               for each; and against two containers' own addresses, for reference
 *   run         `run --rm IMAGE true` on the default bridge (and with
 *               --network none, for reference)
 *
 *   node dist/bench/network.js [--iterations 20] [--warmup 3] [--only publish,run,throughput]
 *                              [--duration 3] [--connections 8] [--rounds 3] [--trace-runs 10]
 *                              [--write docs/benchmarks.md]
 *
 * berthd is driven by the berth CLI and by the docker CLI, dockerd by the
 * docker CLI, podman by itself: four rows per table, interleaved per
 * iteration (lib/interleave.ts), plus the Engine API calls made by the
 * harness against berthd and dockerd, which split a CLI's time into the
 * daemon's part and the CLI's.
 *
 * Networking as each engine does it by default: berthd a bridge of its own
 * (--bridge) and DNAT rules in a table of its own (--nft-table); dockerd
 * its default bridge (named by us, lib/net-daemons.ts), iptables chains and
 * docker-proxy (a process per published port and address family; loopback
 * goes through it); podman 4.3 through CNI (netavark is not installed here;
 * lib/net-podman.ts), a bridge and DNAT rules (the portmap plugin). Traffic
 * only goes to 127.0.0.1 and to the containers' addresses on those bridges.
 *
 * Must run as root. Everything lives under one temporary directory and is
 * removed afterwards, along with what the engines leave on the host
 * (bridges, DOCKER* and CNI-* chains, nftables tables, the FORWARD policy,
 * ip_forward); the host is compared before and after, and a difference
 * fails the run.
 */
import { mkdtemp } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { parseArgs } from 'node:util';

import { writeSection } from './lib/benchmarks-doc.js';
import { runCli } from './lib/cli-run.js';
import { diffHost, snapshotHost, undoEngineLeftovers } from './lib/host-state.js';
import { interleave, type Case, type Outcome } from './lib/interleave.js';
import { loadLine } from './lib/machine.js';
import { apiRun, now } from './lib/engine-api.js';
import { apiContainerIp, apiPublish, waitHttp200 } from './lib/net-api.js';
import { IMAGE, NetEngines, type EngineKey } from './lib/net-engines.js';
import { foreignLink, nftDiff, sharedDirs, undoNetLeftovers } from './lib/net-host.js';
import { report, type NetResults, type Throughput } from './lib/network-report.js';
import { tracePublish } from './lib/publish-trace.js';
import { wrk, wrkVersion, type WrkResult } from './lib/wrk.js';

const HEADING = '## Networking: published ports, throughput, run on the bridge';
const PARTS = ['publish', 'run', 'throughput'] as const;
type Part = (typeof PARTS)[number];
/** A CLI command that takes longer has hung. */
const TIMEOUT_MS = 15_000;
/** What the publish containers serve, and the first 200 must carry. */
const TOKEN = 'berth-bench-network';
const PUBLISH_CMD = ['sh', '-c', `mkdir -p /www && echo ${TOKEN} > /www/index.html && exec httpd -f -p 80 -h /www`];
/** The throughput containers serve 1 KiB. */
const PAGE = 'berth\n'.repeat(171).slice(0, 1024);
const SERVE_CMD = ['sh', '-c', 'mkdir -p /www && yes berth | head -c 1024 > /www/index.html && exec httpd -f -p 80 -h /www'];
/** Throughput runs wait while the host's conntrack table is fuller than this share of its maximum (every request is a new connection). */
const CONNTRACK_SHARE = 0.5;

export interface Options {
  iterations: number;
  warmup: number;
  write: string | undefined;
  only: Part[];
  duration: number;
  connections: number;
  rounds: number;
  traceRuns: number;
}

function options(): Options {
  const { values } = parseArgs({
    options: {
      iterations: { type: 'string', default: '20' },
      warmup: { type: 'string', default: '3' },
      write: { type: 'string' },
      only: { type: 'string', default: PARTS.join(',') },
      duration: { type: 'string', default: '3' },
      connections: { type: 'string', default: '8' },
      rounds: { type: 'string', default: '3' },
      'trace-runs': { type: 'string', default: '10' },
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
    duration: count('duration', values.duration, 1),
    connections: count('connections', values.connections, 1),
    rounds: count('rounds', values.rounds, 1),
    traceRuns: count('trace-runs', values['trace-runs'], 0),
  };
}

const log = (text: string): boolean => process.stderr.write(`network: ${text}\n`);

/** Local TCP ports in use (any state), IPv4 and IPv6. */
function usedPorts(): Set<number> {
  const out = new Set<number>();
  for (const f of ['/proc/net/tcp', '/proc/net/tcp6']) {
    let text = '';
    try {
      text = readFileSync(f, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n').slice(1)) {
      const local = line.trim().split(/\s+/)[1];
      const port = local?.split(':')[1];
      if (port) out.add(parseInt(port, 16));
    }
  }
  return out;
}

/** `n` consecutive ports nobody uses, below the ephemeral range (so no outgoing connection takes one meanwhile). */
function freePorts(n: number): number[] {
  const low = Number(readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0] ?? 32768);
  const used = usedPorts();
  for (let base = 20_100; base + n < low; base += 100) {
    const ports = Array.from({ length: n }, (_, i) => base + i);
    if (ports.every((p) => !used.has(p))) return ports;
  }
  throw new Error('no free range of ports below the ephemeral range');
}

/** Entries of the host's TCP socket tables, every state (what berthd reads at each publish, see the report). */
function tcpSockets(): number {
  let n = 0;
  for (const f of ['/proc/net/tcp', '/proc/net/tcp6']) {
    try {
      n += readFileSync(f, 'utf8').split('\n').filter((l) => /^\s*\d+:/.test(l)).length;
    } catch {
      // no IPv6
    }
  }
  return n;
}

function conntrack(): { count: number; max: number } {
  const read = (k: string): number => Number(readFileSync(`/proc/sys/net/netfilter/${k}`, 'utf8').trim());
  try {
    return { count: read('nf_conntrack_count'), max: read('nf_conntrack_max') };
  } catch {
    return { count: 0, max: Infinity };
  }
}

function publishCases(engines: NetEngines, ports: number[]): Case[] {
  const body = `${TOKEN}\n`;
  const cli: Case[] = engines.variants().map((v, i) => {
    const port = ports[i] as number;
    return {
      key: v.key,
      label: v.label,
      run: async (): Promise<Outcome> => {
        const t0 = now();
        const r = await runCli(v.cli(['run', '-d', '-p', `${port}:80`, IMAGE, ...PUBLISH_CMD]), TIMEOUT_MS);
        if (!r.ok) return r;
        try {
          const t = await waitHttp200(port, body, 10_000);
          return { ok: true, ms: t - t0, phases: { 'CLI returned': r.ms, 'CLI returned → first HTTP 200': t - t0 - r.ms } };
        } catch (e) {
          return { ok: false, ms: now() - t0, error: (e as Error).message };
        } finally {
          await engines.remove(v.engine, [r.stdout.trim()]).catch(() => engines.removeAll(v.engine));
        }
      },
      recover: () => engines.removeAll(v.engine),
    };
  });
  const api: Case[] = (['berthd', 'dockerd'] as const).map((e, i) => {
    const port = ports[4 + i] as number;
    return {
      key: `api-${e}`,
      label: `Engine API from the harness → ${e}`,
      run: async (): Promise<Outcome> => {
        try {
          const r = await apiPublish(engines.socket(e), IMAGE, PUBLISH_CMD, port, body);
          await engines.remove(e, [r.id]);
          return { ok: true, ms: r.phases['total'] ?? NaN, phases: r.phases };
        } catch (err) {
          return { ok: false, ms: NaN, error: (err as Error).message };
        }
      },
      recover: () => engines.removeAll(e),
    };
  });
  return [...cli, ...api];
}

function runCases(engines: NetEngines): Case[] {
  const fromCli = async (cmd: ReturnType<NetEngines['cli']>): Promise<Outcome> => {
    const r = await runCli(cmd, TIMEOUT_MS);
    return r.ok ? { ok: true, ms: r.ms } : r;
  };
  const fromApi = async (e: 'berthd' | 'dockerd'): Promise<Outcome> => {
    try {
      const phases = await apiRun(engines.socket(e), IMAGE, undefined);
      return { ok: true, ms: phases['total'] ?? NaN, phases };
    } catch (err) {
      return { ok: false, ms: NaN, error: (err as Error).message };
    }
  };
  const variants = engines.variants();
  const byKey = (k: string) => variants.find((v) => v.key === k);
  const none = (['berth', 'docker'] as const).flatMap((k) => {
    const v = byKey(k);
    return v
      ? [{ key: `none-${k}`, label: `reference: ${v.label}, \`--network none\``, run: () => fromCli(v.cli(['run', '--rm', '--network', 'none', IMAGE, 'true'])), recover: () => engines.removeAll(v.engine) }]
      : [];
  });
  return [
    ...variants.map((v) => ({ key: v.key, label: v.label, run: () => fromCli(v.cli(['run', '--rm', IMAGE, 'true'])), recover: () => engines.removeAll(v.engine) })),
    ...(['berthd', 'dockerd'] as const).map((e) => ({ key: `api-${e}`, label: `Engine API from the harness → ${e}`, run: () => fromApi(e), recover: () => engines.removeAll(e) })),
    ...none,
  ];
}

async function measureThroughput(engines: NetEngines, opts: Options, ports: number[], stop: () => boolean): Promise<Throughput> {
  // One container per row: two rows sending to one container would share its connections' address and port space, and the
  // source ports the NAT or proxy picks for one row then collide with those the host's connect() picks for the other
  // (seen: later runs of both rows dropping to a few hundred requests/s, each a SYN retransmitted after a second).
  const start = async (e: EngineKey, publish: number | undefined): Promise<string> => {
    const r = await runCli(engines.cli(e, ['run', '-d', ...(publish === undefined ? [] : ['-p', `${publish}:80`]), IMAGE, ...SERVE_CMD]), TIMEOUT_MS);
    if (!r.ok) throw new Error(r.error);
    return r.stdout.trim();
  };
  const engineList = ['berthd', 'dockerd', 'podman'] as const;
  const ids: [EngineKey, string][] = [];
  const published = {} as Record<EngineKey, number>;
  for (const [i, e] of engineList.entries()) {
    published[e] = ports[i] as number;
    ids.push([e, await start(e, published[e])]);
    await waitHttp200(published[e], PAGE, 10_000);
  }
  const direct = {} as Record<'berthd' | 'dockerd', string>;
  for (const e of ['berthd', 'dockerd'] as const) {
    const id = await start(e, undefined);
    ids.push([e, id]);
    direct[e] = await apiContainerIp(engines.socket(e), id);
    await waitHttp200(80, PAGE, 10_000, direct[e]);
  }
  const berthIp = direct.berthd;
  const dockerIp = direct.dockerd;
  const rows: { key: string; label: string; url: string }[] = [
    { key: 'berth', label: 'berthd: published port on 127.0.0.1 (nftables DNAT)', url: `http://127.0.0.1:${published.berthd}/` },
    { key: 'docker', label: 'dockerd: published port on 127.0.0.1 (docker-proxy)', url: `http://127.0.0.1:${published.dockerd}/` },
    { key: 'podman', label: 'podman: published port on 127.0.0.1 (CNI portmap DNAT)', url: `http://127.0.0.1:${published.podman}/` },
    { key: 'ref-berth', label: `reference: a second berth container at its own address (${berthIp}:80, no NAT), one run`, url: `http://${berthIp}:80/` },
    { key: 'ref-docker', label: `reference: a second docker container at its own address (${dockerIp}:80, no proxy), one run`, url: `http://${dockerIp}:80/` },
  ];
  const results = new Map<string, WrkResult[]>(rows.map((r) => [r.key, []]));
  const waits: number[] = [];
  const gate = async (): Promise<void> => {
    const t0 = now();
    for (let c = conntrack(); c.count > c.max * CONNTRACK_SHARE && !stop(); c = conntrack()) await sleep(1000);
    const waited = now() - t0;
    if (waited > 500) {
      waits.push(waited);
      log(`throughput: waited ${(waited / 1000).toFixed(0)} s for the conntrack table to empty below ${CONNTRACK_SHARE * 100} %`);
    }
  };
  const timed = rows.filter((r) => !r.key.startsWith('ref-'));
  const refs = rows.filter((r) => r.key.startsWith('ref-'));
  log(`throughput: warm-up, 1 s per published port`);
  for (const r of timed) {
    await gate();
    await wrk(r.url, { threads: 1, connections: opts.connections, seconds: 1 });
  }
  // The host's connections to a container's own address end in TIME_WAIT on the host's side, and unlike loopback ones
  // (net.ipv4.tcp_tw_reuse=2) cannot take a port that is in TIME_WAIT: at these rates they use up the ephemeral ports
  // of one destination within a run or two, and then wait a second for every SYN. So the references run once each, here.
  for (const r of refs) {
    if (stop()) break;
    await gate();
    const w = await wrk(r.url, { threads: 1, connections: opts.connections, seconds: opts.duration });
    results.get(r.key)?.push(w);
    log(`throughput ${r.key}: ${w.rps.toFixed(0)}/s`);
  }
  for (let round = 0; round < opts.rounds && !stop(); round++) {
    const order = timed.map((_, i) => timed[(i + round) % timed.length] as (typeof timed)[number]);
    const got: string[] = [];
    for (const r of order) {
      if (stop()) break;
      await gate();
      const w = await wrk(r.url, { threads: 1, connections: opts.connections, seconds: opts.duration });
      results.get(r.key)?.push(w);
      got.push(`${r.key} ${w.rps.toFixed(0)}/s`);
    }
    log(`throughput round ${round + 1}/${opts.rounds}: ${got.join(', ')} (conntrack ${conntrack().count})`);
  }
  for (const [e, id] of ids) await engines.remove(e, [id]);
  return { rows: rows.map((r) => ({ key: r.key, label: r.label, runs: results.get(r.key) ?? [] })), conntrackWaitsMs: waits };
}

async function measure(engines: NetEngines, opts: Options, scratch: string, stop: () => boolean): Promise<Partial<NetResults>> {
  const out: Partial<NetResults> = {};
  const ports = freePorts(16);
  if (opts.only.includes('publish') && !stop()) {
    out.hostTcpSockets = tcpSockets();
    log(`publish: run -d -p until the first HTTP 200 (the host has ${out.hostTcpSockets} TCP sockets)`);
    out.publish = await interleave(publishCases(engines, ports.slice(0, 6)), opts, (l) => log(`publish: ${l}`), stop);
    if (opts.traceRuns > 0 && !stop() && engines.berthd) {
      log(`publish: ${opts.traceRuns} more through the Engine API, with berthd's programs traced`);
      try {
        out.trace = await tracePublish({
          pid: engines.berthd.pid,
          socket: engines.berthd.socket,
          scratch,
          image: IMAGE,
          cmd: PUBLISH_CMD,
          port: ports[6] as number,
          body: `${TOKEN}\n`,
          runs: opts.traceRuns,
          remove: (id) => engines.remove('berthd', [id]),
          log,
        });
      } catch (e) {
        // perf (linux-perf) is not among scripts/setup.sh's packages: without it the section goes without this table.
        log(`publish: no trace of berthd (${(e as Error).message.split('\n')[0]})`);
        await engines.removeAll('berthd');
      }
    }
  }
  // run before throughput: the throughput part leaves the conntrack table full for two minutes, which slows every engine's network set-up.
  if (opts.only.includes('run') && !stop()) {
    log('run --rm on the default bridge');
    out.run = await interleave(runCases(engines), opts, (l) => log(`run: ${l}`), stop);
  }
  if (opts.only.includes('throughput') && !stop()) {
    log(`throughput: wrk, ${opts.connections} connections, ${opts.duration} s per run, ${opts.rounds} rounds`);
    out.throughput = await measureThroughput(engines, opts, ports.slice(10, 13), stop);
  }
  return out;
}

async function main(): Promise<void> {
  const opts = options();
  if (process.getuid?.() !== 0) throw new Error('network: run as root (it runs containers with three engines)');
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
  const beforeDirs = await sharedDirs();
  const tmp = await mkdtemp(join(tmpdir(), 'berth-bench-net-'));
  const engines = new NetEngines(tmp);
  let results: NetResults | undefined;
  let failure: unknown;
  try {
    await engines.open(log);
    const versions = await engines.versions();
    const wrkV = await wrkVersion();
    const measured = await measure(engines, opts, tmp, () => stopping);
    results = { opts: { ...opts, timeoutMs: TIMEOUT_MS }, started, loadBefore, versions, wrk: wrkV, names: { ...engines.names }, conntrack: { max: conntrack().max, share: CONNTRACK_SHARE }, ...measured };
  } catch (e) {
    failure = e;
    if (engines.berthd) log(`berthd's log ends:\n${engines.berthd.logTail()}`);
  }
  // Cleanup on every path, then the host check: a leftover is an error even after a failed run.
  const problems = await engines.close();
  const undone: string[] = [];
  await undoNetLeftovers(before, beforeDirs, engines.names, problems).then(
    (d) => undone.push(...d),
    (e: unknown) => problems.push(`undoing berthd's and podman's leftovers: ${(e as Error).message}`),
  );
  await undoEngineLeftovers(before).then(
    (d) => undone.push(...d),
    (e: unknown) => problems.push(`undoing dockerd's leftovers: ${(e as Error).message}`),
  );
  for (const u of undone) log(`cleanup: ${u}`);
  const after = await snapshotHost();
  const diff = diffHost(before, after, tmp).filter((d) => !d.startsWith('nft: '));
  const nft = nftDiff(before.nft, after.nft, engines.names);
  // A path that was there before and is gone: none of our engines removes one, and the undo removes only what was not there before.
  // A mount outside our directory and the places our engines mount namespaces (podman: /run/netns) is someone else's.
  const foreignMount = (d: string): boolean => {
    const m = /^mounts: (?:new|gone): (.*)$/.exec(d);
    return m?.[1] !== undefined && !m[1].startsWith(`${tmp}/`) && !m[1].startsWith('/run/netns/') && !m[1].startsWith('/run/docker/');
  };
  const notOurs = (d: string): boolean => foreignLink(d, engines.names) || foreignMount(d) || / removed$/.test(d);
  const others = [...diff.filter(notOurs), ...nft.foreign];
  const left = [...diff.filter((d) => !notOurs(d)), ...nft.ours];
  if (others.length > 0) log(`not ours, left alone (devices and nftables tables under names none of our engines uses):\n  ${others.join('\n  ')}`);
  if (left.length > 0) problems.push(`the host is not as it was before the benchmark:\n    ${left.join('\n    ')}`);
  if (problems.length > 0) {
    log(`LEFTOVERS (look at them; another user of this host may also explain a difference):\n  ${problems.join('\n  ')}`);
    failure ??= new Error('cleanup incomplete (see above)');
  } else {
    log('cleanup checked: containers, daemons, mounts, cgroups, links, addresses, routes, iptables, nftables, forwarding sysctls and engine directories as before');
  }
  log(`took ${((performance.now() - t0) / 1000).toFixed(0)} s`);
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

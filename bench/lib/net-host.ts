/**
 * The host side of the network benchmark, beyond host-state.ts (which
 * snapshots the host and undoes what dockerd is known to leave):
 *
 * - free subnets for dockerd's and podman's bridges, away from every route;
 * - what berthd and podman's CNI plugins may leave: our bridges, our
 *   nftables table, CNI-* iptables chains and the rules that jump to them,
 *   nftables tables that iptables-nft created empty, and the times of the
 *   shared directories CNI and podman add files to and remove them from
 *   (/var/lib/cni/*, /run/netns);
 * - telling apart, in host-state.ts's list of differences, what another
 *   user of the host did meanwhile (links, tables and routes under names
 *   none of our engines uses) from what is ours.
 *
 * Only what is recognisably ours and was not there before goes.
 */
import { readdir, stat } from 'node:fs/promises';

import type { HostState } from './host-state.js';
import { run } from './timed-command.js';

/** Directories CNI and podman add per-container files to (and remove them from): only their times change. */
const SHARED_DIRS = ['/var/lib/cni', '/var/lib/cni/results', '/var/lib/cni/networks', '/run/netns'];

export interface SharedDirs {
  [path: string]: { mtimeNs: string; atimeNs: string; entries: string } | null;
}

export async function sharedDirs(): Promise<SharedDirs> {
  const out: SharedDirs = {};
  for (const d of SHARED_DIRS) {
    try {
      const s = await stat(d, { bigint: true });
      out[d] = { mtimeNs: s.mtimeNs.toString(), atimeNs: s.atimeNs.toString(), entries: (await readdir(d)).sort().join('\n') };
    } catch {
      out[d] = null;
    }
  }
  return out;
}

const ipv4 = (s: string): number => s.split('.').reduce((a, o) => a * 256 + Number(o), 0);

/** IPv4 routes of the host as [first, last] address ranges (the default route left out). */
async function routeRanges(): Promise<[number, number][]> {
  const out: [number, number][] = [];
  for (const line of (await run('ip', ['-4', 'route', 'show', 'table', 'all'])).split('\n')) {
    const m = /^(?:\w+ )?(\d+\.\d+\.\d+\.\d+)(?:\/(\d+))?\s/.exec(line);
    if (!m?.[1]) continue;
    const len = m[2] === undefined ? 32 : Number(m[2]);
    if (len === 0) continue;
    const base = ipv4(m[1]);
    const size = 2 ** (32 - len);
    const first = base - (base % size);
    out.push([first, first + size - 1]);
  }
  return out;
}

/** `n` /24 subnets in 10.213.0.0/16 that overlap no route of the host. */
export async function freeSubnets(n: number): Promise<{ subnet: string; gateway: string; bip: string }[]> {
  const ranges = await routeRanges();
  const out: { subnet: string; gateway: string; bip: string }[] = [];
  for (let c = 7; c < 256 && out.length < n; c++) {
    const first = ipv4(`10.213.${c}.0`);
    if (ranges.some(([a, b]) => a <= first + 255 && b >= first)) continue;
    out.push({ subnet: `10.213.${c}.0/24`, gateway: `10.213.${c}.1`, bip: `10.213.${c}.1/24` });
  }
  if (out.length < n) throw new Error('no free /24 in 10.213.0.0/16 for the bridges');
  return out;
}

const hasLink = (links: string, name: string): boolean => new RegExp(`^${name}(@\\S*)?\\s`, 'm').test(links);

/** `nft list tables` as "family name" lines. */
async function listTables(): Promise<string[]> {
  return (await run('nft', ['list', 'tables']))
    .split('\n')
    .map((l) => /^table (\S+) (\S+)/.exec(l.trim()))
    .flatMap((m) => (m?.[1] && m[2] ? [`${m[1]} ${m[2]}`] : []));
}

function tablesIn(ruleset: string): Set<string> {
  const out = new Set<string>();
  for (const l of ruleset.split('\n')) {
    const m = /^table (\S+) (\S+) \{/.exec(l);
    if (m?.[1] && m[2]) out.add(`${m[1]} ${m[2]}`);
  }
  return out;
}

/** CNI-* chains created since `before`: the rules elsewhere that jump to them, then the chains. */
async function removeCniChains(cmd: 'iptables' | 'ip6tables', beforeSave: string, done: string[]): Promise<void> {
  const save = await run(`${cmd}-save`, []).catch(() => '');
  let table = '';
  const chains: [string, string][] = [];
  for (const line of save.split('\n')) {
    if (line.startsWith('*')) table = line.slice(1).trim();
    const m = /^:(CNI-[\w-]+) /.exec(line);
    if (m?.[1] && !beforeSave.includes(`:${m[1]} `)) chains.push([table, m[1]]);
  }
  const names = new Set(chains.map(([, c]) => c));
  for (const t of new Set(chains.map(([tb]) => tb))) {
    const rules = (await run(cmd, ['-t', t, '-S'])).split('\n').filter((r) => r.startsWith('-A '));
    for (const r of rules.reverse()) {
      const owner = r.split(' ')[1] ?? '';
      const target = /-[jg] (\S+)/.exec(r)?.[1] ?? '';
      if (names.has(owner) || !names.has(target)) continue;
      // -S quotes comments; run() takes argv, so the quotes must go.
      await run(cmd, ['-t', t, '-D', ...ruleArgs(r)]);
      done.push(`${cmd} -t ${t}: removed ${r}`);
    }
  }
  for (const [t, c] of chains) await run(cmd, ['-t', t, '-F', c]);
  for (const [t, c] of chains) {
    await run(cmd, ['-t', t, '-X', c]);
    done.push(`${cmd} -t ${t}: removed the chain ${c}`);
  }
}

/** -S / iptables-save rule text → argv for -D (comments lose their quotes). */
const ruleArgs = (rule: string): string[] => (rule.slice(3).match(/"[^"]*"|\S+/g) ?? []).map((a) => a.replace(/^"(.*)"$/, '$1'));

/**
 * Rules that name one of our bridges (-i/-o), new since `before`: dockerd's
 * in FORWARD and POSTROUTING for its bridge (host-state.ts's undo knows them
 * for docker0 only).
 */
async function removeBridgeRules(bridges: string[], beforeSave: string, done: string[]): Promise<void> {
  const had = new Set(beforeSave.split('\n'));
  const names = new RegExp(`-[io] (${bridges.map((b) => b.replace(/[^\w-]/g, '')).join('|')})(\\s|$)`);
  for (const t of ['filter', 'nat']) {
    const rules = (await run('iptables', ['-t', t, '-S'])).split('\n').filter((r) => r.startsWith('-A ') && names.test(r) && !had.has(r));
    for (const r of rules.reverse()) {
      await run('iptables', ['-t', t, '-D', ...ruleArgs(r)]);
      done.push(`iptables -t ${t}: removed ${r}`);
    }
  }
}

export interface OurNames {
  /** berthd's default bridge, podman's CNI bridge */
  bridges: string[];
  /** berthd's nftables table, "inet NAME" */
  table: string;
}

/**
 * Removes what berthd and podman/CNI left and was not there `before`;
 * dockerd's leftovers are host-state.ts's undoEngineLeftovers. Returns what
 * it did; what it refused to do (a bridge with ports still on it) goes to
 * `problems`.
 */
export async function undoNetLeftovers(before: HostState, beforeDirs: SharedDirs, ours: OurNames, problems: string[]): Promise<string[]> {
  const done: string[] = [];
  const links = await run('ip', ['-br', 'link']);
  for (const b of ours.bridges) {
    if (hasLink(before.links, b) || !hasLink(links, b)) continue;
    const ports = (await run('ip', ['-br', 'link', 'show', 'master', b])).trim();
    if (ports !== '') {
      problems.push(`bridge ${b} still has ports, left in place:\n      ${ports.split('\n').join('\n      ')}`);
      continue;
    }
    await run('ip', ['link', 'delete', b]);
    done.push(`deleted the bridge ${b}`);
  }
  await removeBridgeRules(ours.bridges, before.iptables, done);
  await removeCniChains('iptables', before.iptables, done);
  await removeCniChains('ip6tables', before.ip6tables, done);
  const had = tablesIn(before.nft);
  for (const t of await listTables()) {
    if (had.has(t)) continue;
    const [family, name] = t.split(' ') as [string, string];
    if (t === ours.table) {
      await run('nft', ['delete', 'table', family, name]);
      done.push(`deleted the nftables table ${t}`);
    } else if (/^(ip|ip6)$/.test(family) && /^(filter|nat|mangle|raw|security)$/.test(name)) {
      // Created by iptables-nft on the way (a check, a -N of a chain since gone): without rules it does nothing.
      const body = await run('nft', ['list', 'table', family, name]);
      if (!/\n\s*(chain|set|map) /.test(body)) {
        await run('nft', ['delete', 'table', family, name]);
        done.push(`deleted the empty nftables table ${t} (iptables-nft made it)`);
      }
    }
  }
  const now = await sharedDirs();
  for (const [d, was] of Object.entries(beforeDirs)) {
    const is = now[d];
    if (!was || !is || is.entries !== was.entries || is.mtimeNs === was.mtimeNs) continue;
    await run('touch', ['-a', '-d', `@${seconds(was.atimeNs)}`, d]);
    await run('touch', ['-m', '-d', `@${seconds(was.mtimeNs)}`, d]);
    done.push(`restored the times of ${d} (files added and removed again)`);
  }
  for (const [d, was] of Object.entries(beforeDirs)) {
    const is = now[d];
    if ((was === null) !== (is === null)) problems.push(`${d}: ${was === null ? 'created' : 'removed'}`);
    else if (was && is && was.entries !== is.entries) problems.push(`${d}: entries changed: ${JSON.stringify(was.entries)} → ${JSON.stringify(is.entries)}`);
  }
  return done;
}

function seconds(ns: string): string {
  const padded = ns.padStart(10, '0');
  return `${padded.slice(0, -9)}.${padded.slice(-9)}`;
}

/** `nft list ruleset` cut into its tables: "family name" → the table's text. */
function tablesOf(ruleset: string): Map<string, string> {
  const out = new Map<string, string>();
  let table: string | undefined;
  let body: string[] = [];
  for (const l of ruleset.split('\n')) {
    const m = /^table (\S+) (\S+) \{/.exec(l);
    if (m?.[1] && m[2]) {
      table = `${m[1]} ${m[2]}`;
      body = [];
    }
    if (table !== undefined) body.push(l.replace(/counter packets \d+ bytes \d+/, 'counter'));
    if (l === '}' && table !== undefined) {
      out.set(table, body.join('\n'));
      table = undefined;
    }
  }
  return out;
}

const IPTABLES_NFT = /^(ip|ip6|inet|arp|bridge) (filter|nat|mangle|raw|security)$/;

/**
 * The nftables differences, table by table: a table of ours (our own, the
 * iptables-nft ones dockerd and CNI write to) that is new, gone or changed
 * is ours to answer for; one under another name (another berthd's, a
 * test's) is someone else's.
 */
export function nftDiff(before: string, after: string, ours: OurNames): { ours: string[]; foreign: string[] } {
  const a = tablesOf(before);
  const b = tablesOf(after);
  const out = { ours: [] as string[], foreign: [] as string[] };
  for (const t of new Set([...a.keys(), ...b.keys()])) {
    const was = a.get(t);
    const is = b.get(t);
    if (was === is) continue;
    const what = was === undefined ? `nft: new table ${t}` : is === undefined ? `nft: table ${t} gone` : `nft: table ${t} changed`;
    const detail =
      was !== undefined && is !== undefined
        ? `: ${[...diffLines(was, is)].join('; ')}`
        : '';
    (t === ours.table || IPTABLES_NFT.test(t) ? out.ours : out.foreign).push(`${what}${detail}`);
  }
  return out;
}

function* diffLines(a: string, b: string): Generator<string> {
  const x = new Set(a.split('\n').map((l) => l.trim()));
  const y = new Set(b.split('\n').map((l) => l.trim()));
  for (const l of y) if (!x.has(l)) yield `+ ${l}`;
  for (const l of x) if (!y.has(l)) yield `- ${l}`;
}

/**
 * A link, address or route difference (host-state.ts's diffHost) that
 * belongs to someone else: a device none of our engines makes. Ours are our
 * bridges, docker0 and veths; the close checked that no port was left on our
 * bridges before deleting them, and a veth's host end dies with its bridge
 * port or its namespace, so a veth still differing is another user's.
 */
export function foreignLink(difference: string, ours: OurNames): boolean {
  const m = /^(links|addrs|routes): (?:new|gone): (.*)$/.exec(difference);
  if (m?.[2] === undefined) return false;
  const dev = m[1] === 'routes' ? (/\bdev (\S+)/.exec(m[2])?.[1] ?? '') : (m[2].split(/\s+/)[0] ?? '').replace(/@.*$/, '');
  return dev !== '' && dev !== 'docker0' && !ours.bridges.includes(dev);
}

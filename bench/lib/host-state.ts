/**
 * What a benchmark that starts other engines must leave as it found: the
 * host's links, addresses, routes, iptables and nftables rules, forwarding
 * sysctls, mounts, loop devices, and the directories those engines create by default
 * (/etc/docker/key.json, /run/docker, /var/lib/containers…).
 *
 *   const before = await snapshotHost();
 *   … start dockerd, podman …
 *   const undone = await undoEngineLeftovers(before);  // what dockerd and podman are known to leave
 *   const left = diffHost(before, await snapshotHost(), tmp);  // anything else is a failure
 *
 * undoEngineLeftovers() only removes what is recognisably theirs (docker0,
 * DOCKER* chains and the rules that jump to them, the FORWARD policy and
 * ip_forward dockerd changes, the listed paths when they did not exist
 * before): another user of this host may be adding links or rules of their
 * own meanwhile, and those are not ours to remove; diffHost reports them.
 */
import { existsSync, readdirSync } from 'node:fs';
import { readFile, rm, rmdir, stat, writeFile } from 'node:fs/promises';

import { run } from './timed-command.js';

/** Paths dockerd, containerd, podman and skopeo create by default; removed afterwards when they did not exist before. */
const ENGINE_PATHS = [
  '/etc/docker/key.json', // dockerd 20.10's libtrust key, whatever --data-root says
  '/etc/docker',
  '/run/docker', // dockerd's plugin directory, whatever --exec-root says
  '/var/run/docker.sock',
  '/var/run/docker.pid',
  '/var/lib/docker',
  '/run/containerd',
  '/var/lib/containerd',
  '/var/lib/containers', // containers/image's blob-info cache of root (podman, skopeo)
  '/run/containers',
  '/run/libpod',
  '/dev/shm/libpod_lock', // podman's lock table, whatever --root says
];

/** Paths only checked: also used by others (berth's tests, CNI), never removed here. */
const CHECKED_PATHS = ['/etc/cni/net.d', '/var/lib/cni', '/sys/module/br_netfilter'];

const SYSCTLS = ['net/ipv4/ip_forward', 'net/ipv6/conf/all/forwarding', 'net/bridge/bridge-nf-call-iptables'];

interface PathState {
  /** nanoseconds since the epoch, as decimal strings (exact, and comparable with ===) */
  atimeNs: string;
  mtimeNs: string;
}

export interface HostState {
  links: string;
  addrs: string;
  routes: string;
  /** iptables-save, without comments and packet counters */
  iptables: string;
  ip6tables: string;
  /** `nft list ruleset`, or why not */
  nft: string;
  sysctls: Record<string, string>;
  paths: Record<string, PathState | null>;
  /** mount points, one per line */
  mounts: string;
  /** `losetup -a`: loop devices and their backing files */
  loops: string;
}

const quiet = (file: string, args: string[]): Promise<string> => run(file, args).catch((e: unknown) => `(${file}: ${(e as Error).message})`);

function cgroupDockerDirs(): string[] {
  try {
    return readdirSync('/sys/fs/cgroup').map((h) => `/sys/fs/cgroup/${h}/docker`);
  } catch {
    return [];
  }
}

async function pathState(p: string): Promise<PathState | null> {
  try {
    const s = await stat(p, { bigint: true });
    return { atimeNs: s.atimeNs.toString(), mtimeNs: s.mtimeNs.toString() };
  } catch {
    return null;
  }
}

const tables = (save: string): string =>
  save
    .split('\n')
    .filter((l) => !l.startsWith('#') && l.trim() !== '')
    .map((l) => l.replace(/ \[\d+:\d+\]$/, ''))
    .join('\n');

export async function snapshotHost(): Promise<HostState> {
  const sysctls: Record<string, string> = {};
  for (const s of SYSCTLS) sysctls[s] = (await readFile(`/proc/sys/${s}`, 'utf8').catch(() => 'absent')).trim();
  const paths: Record<string, PathState | null> = {};
  for (const p of [...ENGINE_PATHS, ...CHECKED_PATHS, ...cgroupDockerDirs()]) paths[p] = await pathState(p);
  const mountinfo = await readFile('/proc/self/mountinfo', 'utf8');
  return {
    links: await quiet('ip', ['-br', 'link']),
    addrs: await quiet('ip', ['-br', 'addr']),
    routes: (await quiet('ip', ['route'])) + (await quiet('ip', ['-6', 'route'])),
    iptables: tables(await quiet('iptables-save', [])),
    ip6tables: tables(await quiet('ip6tables-save', [])),
    nft: existsSync('/usr/sbin/nft') ? await quiet('nft', ['list', 'ruleset']) : '(nft not installed)',
    sysctls,
    paths,
    mounts: mountinfo
      .split('\n')
      .filter(Boolean)
      .map((l) => l.split(' ')[4] ?? '')
      .sort()
      .join('\n'),
    loops: await quiet('losetup', ['-a']),
  };
}

function lineDiff(what: string, a: string, b: string): string[] {
  const before = new Set(a.split('\n'));
  const after = new Set(b.split('\n'));
  return [
    ...[...after].filter((l) => !before.has(l)).map((l) => `${what}: new: ${l}`),
    ...[...before].filter((l) => !after.has(l)).map((l) => `${what}: gone: ${l}`),
  ];
}

/** Every difference between two snapshots, plus mounts still under `scratch`; empty when the host is as it was. */
export function diffHost(before: HostState, after: HostState, scratch: string): string[] {
  const out: string[] = [];
  for (const key of ['links', 'addrs', 'routes', 'iptables', 'ip6tables', 'nft', 'mounts', 'loops'] as const) {
    out.push(...lineDiff(key, before[key], after[key]));
  }
  for (const [k, v] of Object.entries(after.sysctls)) if (before.sysctls[k] !== v) out.push(`sysctl ${k}: ${before.sysctls[k]} → ${v}`);
  for (const [p, s] of Object.entries(after.paths)) {
    const b = before.paths[p] ?? null;
    if ((b === null) !== (s === null)) out.push(`${p}: ${b === null ? 'created' : 'removed'}`);
    else if (b !== null && s !== null && b.mtimeNs !== s.mtimeNs && ENGINE_PATHS.includes(p)) out.push(`${p}: modified`);
  }
  for (const m of after.mounts.split('\n')) if (m === scratch || m.startsWith(`${scratch}/`)) out.push(`mount left under ${scratch}: ${m}`);
  return [...new Set(out)];
}

/** iptables rules (as `-S` prints them) that jump to or name a DOCKER* chain or docker0. */
const dockerRule = (rule: string): boolean => /-j DOCKER|-g DOCKER|-[io] docker0\b/.test(rule);

/**
 * Undoes what dockerd and podman are known to leave behind, and only that
 * (see the module comment). Returns what it did, one line per action.
 */
export async function undoEngineLeftovers(before: HostState): Promise<string[]> {
  const done: string[] = [];
  const now = await snapshotHost();
  if (!/^docker0\s/m.test(before.links) && /^docker0\s/m.test(now.links)) {
    await run('ip', ['link', 'delete', 'docker0']);
    done.push('deleted the link docker0');
  }
  for (const [cmd, save] of [['iptables', now.iptables] as const, ['ip6tables', now.ip6tables] as const]) {
    const beforeSave = cmd === 'iptables' ? before.iptables : before.ip6tables;
    let table = '';
    const chains: [string, string][] = [];
    for (const line of save.split('\n')) {
      if (line.startsWith('*')) table = line.slice(1);
      const m = /^:(DOCKER[\w-]*) /.exec(line);
      if (m?.[1] && !beforeSave.includes(`:${m[1]} `)) chains.push([table, m[1]]);
    }
    for (const t of new Set(chains.map(([tb]) => tb))) {
      const rules = (await run(cmd, ['-t', t, '-S'])).split('\n').filter((r) => r.startsWith('-A ') && dockerRule(r));
      // Rules inside DOCKER chains go with their chains; the others are removed one by one.
      for (const r of rules.filter((x) => !/^-A DOCKER/.test(x)).reverse()) {
        await run(cmd, ['-t', t, '-D', ...r.slice(3).split(' ')]);
        done.push(`${cmd} -t ${t}: removed ${r}`);
      }
    }
    for (const [t, c] of chains) await run(cmd, ['-t', t, '-F', c]);
    for (const [t, c] of chains) {
      await run(cmd, ['-t', t, '-X', c]);
      done.push(`${cmd} -t ${t}: removed the chain ${c}`);
    }
    const policy = (s: string): string | undefined => /^:FORWARD (\w+)/m.exec(s)?.[1];
    const was = policy(beforeSave);
    if (was !== undefined && policy(save) !== was) {
      await run(cmd, ['-t', 'filter', '-P', 'FORWARD', was]);
      done.push(`${cmd}: FORWARD policy back to ${was}`);
    }
  }
  for (const s of ['net/ipv4/ip_forward', 'net/ipv6/conf/all/forwarding']) {
    const was = before.sysctls[s];
    if (was !== undefined && was !== 'absent' && now.sysctls[s] !== was) {
      await writeFile(`/proc/sys/${s}`, `${was}\n`);
      done.push(`sysctl ${s} back to ${was}`);
    }
  }
  for (const [p, was] of Object.entries(before.paths)) {
    const cgroup = p.startsWith('/sys/fs/cgroup/');
    if (was !== null || (!cgroup && !ENGINE_PATHS.includes(p)) || (await pathState(p)) === null) continue;
    // A cgroup directory goes only when empty (rmdir); the others with what is in them.
    if (cgroup) await rmdir(p);
    else await rm(p, { recursive: true, force: true });
    done.push(`removed ${p}`);
  }
  // A directory we only added a file to (and removed it from again) gets its times back.
  for (const p of ENGINE_PATHS) {
    const b = before.paths[p];
    const s = await pathState(p);
    if (b && s && b.mtimeNs !== s.mtimeNs) {
      // touch takes nanoseconds (utimes() a double of seconds, which loses some).
      await run('touch', ['-a', '-d', `@${seconds(b.atimeNs)}`, p]);
      await run('touch', ['-m', '-d', `@${seconds(b.mtimeNs)}`, p]);
      done.push(`restored the times of ${p}`);
    }
  }
  return done;
}

/** "1764182206094455506" → "1764182206.094455506" */
function seconds(ns: string): string {
  const padded = ns.padStart(10, '0');
  return `${padded.slice(0, -9)}.${padded.slice(-9)}`;
}

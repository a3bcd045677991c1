/**
 * What a network test may change on the host, captured before and compared
 * after: network devices, nftables tables, the sysctls that ip_forward
 * rewrites, plus mounts (the netns files), processes and temp dirs.
 *
 * Other suites run on this host at the same time and create and remove
 * their own mounts, devices and tables, so only what is this run's counts:
 * names carrying the run's suffix, the driver's own veth names, and sysctls.
 * Devices of a destroyed namespace vanish asynchronously (the kernel's
 * cleanup_net), hence the polling.
 */
import { AssertionError } from 'node:assert';
import { execFile } from 'node:child_process';
import { readdir, readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';

import { diffHost, snapshotHost, type HostSnapshot } from '../fixtures/host-leaks.js';

const execFileP = promisify(execFile);

/** A random suffix for every name one run uses: temp dir, bridges, devices, nftables table. */
export function runSuffix(): string {
  return Math.random().toString(16).slice(2, 8);
}

/** The temp dir name prefix of a run (see Sandbox). */
export const runDirPrefix = (suffix: string) => `berth-test-net-${suffix}-`;

export interface HostNetSnapshot {
  suffix: string;
  host: HostSnapshot;
  links: string[];
  tables: string[];
  sysctls: Record<string, string>;
}

async function sysctls(devices: string[]): Promise<Record<string, string>> {
  const keys = ['net/ipv4/ip_forward', 'net/ipv4/conf/all/accept_redirects', 'net/ipv4/conf/default/forwarding'];
  for (const d of devices) keys.push(`net/ipv4/conf/${d}/forwarding`, `net/ipv4/conf/${d}/route_localnet`);
  const out: Record<string, string> = {};
  for (const k of keys) {
    out[k] = await readFile(`/proc/sys/${k}`, 'utf8').then(
      (v) => v.trim(),
      () => '(absent)',
    );
  }
  return out;
}

export async function nftTables(): Promise<string[]> {
  const { stdout } = await execFileP('nft', ['list', 'tables']);
  return stdout.split('\n').filter((l) => l.trim() !== '').sort();
}

export async function snapshotHostNet(suffix: string): Promise<HostNetSnapshot> {
  const links = (await readdir('/sys/class/net')).sort();
  return { suffix, host: await snapshotHost(), links, tables: await nftTables(), sysctls: await sysctls(links) };
}

async function problems(before: HostNetSnapshot): Promise<string[]> {
  const ours = (s: string) => s.includes(runDirPrefix(before.suffix));
  const ourLink = (l: string) => l.includes(before.suffix) || /^veth[0-9a-f]{11}$/.test(l);
  const out: string[] = [];
  const leaks = diffHost(before.host, await snapshotHost());
  const list = (title: string, items: string[]) => items.length > 0 && out.push(`${title}: ${items.join(', ')}`);
  list('mounts left behind', leaks.mountsAdded.filter(ours));
  list('mounts gone', leaks.mountsRemoved.filter(ours));
  list('processes left behind', leaks.processes.filter((p) => ours(p.cmdline)).map((p) => `${p.pid} ${p.cmdline}`));
  list('temp dirs left behind', leaks.tempDirs.filter(ours));
  const links = (await readdir('/sys/class/net')).sort();
  list('devices left behind', links.filter((l) => ourLink(l) && !before.links.includes(l)));
  list('host devices gone', before.links.filter((l) => !links.includes(l) && ourLink(l)));
  const tables = await nftTables();
  list('nftables tables left behind', tables.filter((t) => t.includes(before.suffix) && !before.tables.includes(t)));
  const now = await sysctls(before.links.filter((l) => links.includes(l)));
  for (const [k, v] of Object.entries(now)) {
    if (before.sysctls[k] !== v) out.push(`sysctl ${k} is ${v}, was ${before.sysctls[k]}`);
  }
  return out;
}

export async function assertHostNetRestored(before: HostNetSnapshot, graceMs = 5000): Promise<void> {
  const deadline = Date.now() + graceMs;
  for (;;) {
    const found = await problems(before);
    if (found.length === 0) return;
    if (Date.now() >= deadline) throw new AssertionError({ message: `the test changed the host:\n${found.join('\n')}` });
    await sleep(100);
  }
}

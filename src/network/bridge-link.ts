/**
 * The Linux bridge of a network: created with its gateway address and a
 * fixed MAC in one `ip -batch`, removed with one `ip link del`.
 */
import { access, readdir, readFile, writeFile } from 'node:fs/promises';

import { errnoCode } from '../errors.js';
import { isGone, type CommandRunner } from './exec.js';

export interface BridgeLink {
  bridge: string;
  gateway: string;
  prefixLen: number;
  /** The bridge's own MAC; see below. */
  mac: string;
}

export async function bridgeExists(bridge: string): Promise<boolean> {
  try {
    await access(`/sys/class/net/${bridge}`);
    return true;
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return false;
    throw e;
  }
}

/** The bridge's interface index: ip resolves `master <name>` in its own namespace, so attach names it by index. */
export async function bridgeIndex(bridge: string): Promise<number> {
  return Number((await readFile(`/sys/class/net/${bridge}/ifindex`, 'utf8')).trim());
}

export async function createBridge(run: CommandRunner, b: BridgeLink): Promise<void> {
  // Kernel surprise: a bridge without a MAC of its own takes the lowest MAC
  // of its ports, so it changes as containers come and go and every
  // container's ARP entry for the gateway goes stale. An address set at
  // creation stays.
  const script = [
    `link add ${b.bridge} address ${b.mac} type bridge`,
    `addr add ${b.gateway}/${b.prefixLen} dev ${b.bridge}`,
    `link set ${b.bridge} up`,
  ].join('\n');
  await run({ program: 'ip', args: ['-batch', '-'], input: `${script}\n` });
  try {
    // Needed to publish on 127.0.0.1: see nft-ruleset.ts (the output DNAT
    // keeps source 127.0.0.1, which the kernel routes out of a
    // non-loopback device only with route_localnet on it).
    await writeFile(`/proc/sys/net/ipv4/conf/${b.bridge}/route_localnet`, '1\n');
  } catch (e) {
    await removeBridge(run, b.bridge);
    throw e;
  }
}

export async function removeBridge(run: CommandRunner, bridge: string): Promise<void> {
  try {
    await run({ program: 'ip', args: ['link', 'del', bridge] });
  } catch (e) {
    if (!isGone(e)) throw e;
  }
}

/** The bridge's ports (host ends of veths), from sysfs. */
export async function bridgePorts(bridge: string): Promise<string[]> {
  return readdir(`/sys/class/net/${bridge}/brif`).catch(() => []);
}

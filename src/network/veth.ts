/**
 * A container's interface on a network: a veth pair, one end on the bridge
 * in the host, the other in the container's namespace with its address,
 * MAC and default route. One `nsenter --net=<ns> ip -batch -` does it all.
 *
 * Kernel surprises that shape the script:
 * - Moving a device to another namespace after creating it costs an RCU
 *   grace period (~16 ms here, in dev_change_net_namespace); creating each
 *   end directly in its namespace costs nothing extra. Run from inside the
 *   container's namespace, `link add <host end> netns <host ns> ... type veth
 *   peer name eth0` creates the host end in the host and the peer where ip
 *   runs.
 * - ip resolves `master <name>` in its own namespace, where the bridge does
 *   not exist; the kernel looks the master up in the namespace of the device.
 *   `if<index>` is iproute2's spelling of a bare interface index.
 */
import { writeFile } from 'node:fs/promises';

import { isGone, type CommandRunner } from './exec.js';

export interface VethPlan {
  netnsPath: string;
  /** Our own network namespace, where the bridge lives (/proc/<pid>/ns/net). */
  hostNetns: string;
  hostVeth: string;
  bridgeIndex: number;
  ifname: string;
  mac: string;
  ip: string;
  prefixLen: number;
  /** The default route's gateway, or undefined for none (internal networks, a second network). */
  defaultGateway: string | undefined;
}

export function vethScript(p: VethPlan): string {
  const lines = [
    `link add ${p.hostVeth} netns ${p.hostNetns} master if${p.bridgeIndex} up type veth peer name ${p.ifname} address ${p.mac}`,
    `addr add ${p.ip}/${p.prefixLen} dev ${p.ifname}`,
    `link set ${p.ifname} up`,
  ];
  if (p.defaultGateway !== undefined) lines.push(`route add default via ${p.defaultGateway} dev ${p.ifname}`);
  return `${lines.join('\n')}\n`;
}

export async function createVeth(run: CommandRunner, p: VethPlan): Promise<void> {
  try {
    await run({ program: 'nsenter', args: [`--net=${p.netnsPath}`, 'ip', '-batch', '-'], input: vethScript(p) });
    // Kernel surprise: with br_netfilter loaded (bridge-nf-call-iptables=1,
    // as here and wherever docker ran), a published port's DNAT happens
    // while the frame is still being bridged, and when the new destination
    // is on the same bridge the frame is switched, not routed, to its port.
    // A container reaching its own published port then needs the frame sent
    // back out of the port it came in on, which a bridge does only in
    // hairpin mode. (Docker does the same without its userland proxy.)
    await setHairpin(p.hostVeth);
  } catch (e) {
    // ip stops at the first failing line; the pair may exist already.
    await deleteVeth(run, p.hostVeth).catch(() => undefined);
    throw e;
  }
}

/** Deleting one end deletes the pair. Gone already (the namespace died and took it along) is fine. */
export async function deleteVeth(run: CommandRunner, hostVeth: string): Promise<void> {
  try {
    await run({ program: 'ip', args: ['link', 'del', hostVeth] });
  } catch (e) {
    if (!isGone(e)) throw e;
  }
}

/** A sysfs write in our own namespace: no spawn. */
async function setHairpin(hostVeth: string): Promise<void> {
  await writeFile(`/sys/class/net/${hostVeth}/brport/hairpin_mode`, '1\n');
}

/** Puts a host veth (back) on its bridge, in hairpin mode as at attach. */
export async function enslaveVeth(run: CommandRunner, hostVeth: string, bridge: string): Promise<void> {
  await run({ program: 'ip', args: ['link', 'set', hostVeth, 'master', bridge, 'up'] });
  await setHairpin(hostVeth);
}

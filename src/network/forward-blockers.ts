/**
 * Base chains of *other* tables that drop forwarded traffic by policy.
 *
 * nftables evaluates every base chain on the forward hook, in every table;
 * an accept in our table ends only our chain, a drop in any of them is final.
 * So when the host's firewall forwards nothing by default (docker's iptables
 * rules set the FORWARD policy to DROP; many firewalls do the same), our
 * containers cannot leave the host or be reached on published ports, and we
 * may not rewrite another program's rules to fix it. What we do instead is
 * find such chains when a network is created and say plainly what the
 * administrator must add. Accepting the bridge's traffic there is safe
 * because the isolation lives in our own table, and our drops still apply.
 */
import { readFile } from 'node:fs/promises';

import type { CommandRunner } from './exec.js';

export interface ForwardBlocker {
  /** "ip filter FORWARD", or "iptables-legacy FORWARD". */
  chain: string;
}

interface NftChain {
  family?: string;
  table?: string;
  name?: string;
  hook?: string;
  policy?: string;
}

/** Chains from `nft -j list chains` output whose forward-hook policy is drop, in tables other than ours. */
export function parseForwardBlockers(json: string, ownTable: string): ForwardBlocker[] {
  const doc = JSON.parse(json) as { nftables?: Array<{ chain?: NftChain }> };
  return (doc.nftables ?? [])
    .map((e) => e.chain)
    .filter((c): c is NftChain => c !== undefined && c.hook === 'forward' && c.policy === 'drop')
    .filter((c) => !(c.family === 'inet' && c.table === ownTable))
    .map((c) => ({ chain: `${c.family ?? '?'} ${c.table ?? '?'} ${c.name ?? '?'}` }));
}

export async function findForwardBlockers(run: CommandRunner, ownTable: string): Promise<ForwardBlocker[]> {
  const found = parseForwardBlockers(await run({ program: 'nft', args: ['-j', 'list', 'chains'] }), ownTable);
  // Legacy iptables (x_tables) is invisible to nft but evaluated all the same.
  const legacy = await readFile('/proc/net/ip_tables_names', 'utf8').catch(() => '');
  if (legacy.split('\n').includes('filter')) {
    const rules = await run({ program: 'iptables-legacy', args: ['-S', 'FORWARD'] }).catch(() => '');
    if (/^-P FORWARD DROP$/m.test(rules)) found.push({ chain: 'iptables-legacy FORWARD' });
  }
  return found;
}

/** The warning to hand to the user, Docker's `Warning` of a network create. */
export function blockerWarning(blockers: ForwardBlocker[], bridge: string): string | undefined {
  if (blockers.length === 0) return undefined;
  const chains = blockers.map((b) => `"${b.chain}"`).join(', ');
  return (
    `the forward chain ${chains} drops forwarded traffic by default, and berth's rules cannot overrule it: ` +
    `containers on bridge ${bridge} cannot reach other hosts and their published ports answer only the host itself ` +
    `until that firewall accepts the bridge's traffic, for example: ` +
    `iptables -I FORWARD -i ${bridge} -j ACCEPT; iptables -I FORWARD -o ${bridge} -j ACCEPT ` +
    `(berth's own table still drops what must not pass)`
  );
}

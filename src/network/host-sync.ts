/**
 * Bringing the host's shared settings in line with the driver's state: the
 * nftables table (present exactly while a network exists) and ip_forward
 * (on while a network needs it, restored after).
 */
import { commit, type DriverContext } from './driver-context.js';
import { applyRuleset, deleteTable } from './nft.js';
import { renderRuleset } from './nft-ruleset.js';
import type { DriverState } from './state.js';

export async function syncRules(ctx: DriverContext, state: DriverState = ctx.state): Promise<void> {
  if (state.networks.length === 0) {
    await deleteTable(ctx.run, ctx.table);
    return;
  }
  const networks = state.networks.map((n) => ({ bridge: n.bridge, subnet: n.subnet, internal: n.internal }));
  await applyRuleset(ctx.run, renderRuleset({ table: ctx.table, networks, ports: state.ports }));
}

/**
 * The values ip_forward changes are saved (and committed) before it is
 * turned on, so a crash in between cannot lose them. A saved record from an
 * earlier boot is stale: the host booted with its own values since.
 */
export async function syncForwarding(ctx: DriverContext): Promise<void> {
  const needed = ctx.state.networks.some((n) => !n.internal);
  const saved = ctx.state.forwarding;
  const bootId = await ctx.sysctls.bootId();
  if (needed) {
    if (saved === undefined || saved.bootId !== bootId) {
      await commit(ctx, { ...ctx.state, forwarding: await ctx.sysctls.snapshot() });
    }
    await ctx.sysctls.enable();
    return;
  }
  if (saved === undefined) return;
  if (saved.bootId === bootId) await ctx.sysctls.restore(saved);
  const rest = { ...ctx.state };
  delete rest.forwarding;
  await commit(ctx, rest);
}

/**
 * What the bridge driver's operations share: the command runner, the state
 * on disk and in memory, the nftables table name. Every change goes through
 * `commit`, which writes the state before the kernel is touched, so that
 * after a crash the state on disk names everything we may have created and
 * `reconcile` can converge the kernel to it.
 */
import { notFound } from '../errors.js';
import type { CommandRunner } from './exec.js';
import type { ForwardingSysctls } from './ip-forward.js';
import type { PortRange } from './port-allocation.js';
import type { DriverState, NetworkRecord, StateFile } from './state.js';

export interface DriverContext {
  readonly run: CommandRunner;
  readonly store: StateFile;
  readonly table: string;
  readonly sysctls: ForwardingSysctls;
  /** Our own network namespace, where bridges live. */
  readonly hostNetns: string;
  readonly ephemeral: PortRange;
  state: DriverState;
  /** Where the next ephemeral port search starts. */
  nextPort: number;
}

export async function commit(ctx: DriverContext, next: DriverState): Promise<void> {
  await ctx.store.save(next);
  ctx.state = next;
}

/** By exact name, exact id, or a unique id prefix, as Docker looks networks up. */
export function findNetwork(state: DriverState, nameOrId: string): NetworkRecord {
  const exact = state.networks.find((n) => n.name === nameOrId || n.id === nameOrId);
  if (exact) return exact;
  const byPrefix = nameOrId.length > 0 ? state.networks.filter((n) => n.id.startsWith(nameOrId)) : [];
  if (byPrefix.length === 1 && byPrefix[0]) return byPrefix[0];
  throw notFound(`network "${nameOrId}"`);
}

/** The state with one network replaced by `update(network)`. */
export function withNetwork(state: DriverState, id: string, update: (n: NetworkRecord) => NetworkRecord): DriverState {
  return { ...state, networks: state.networks.map((n) => (n.id === id ? update(n) : n)) };
}

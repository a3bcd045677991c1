/**
 * Applying and removing the driver's nftables table through nft(8). Each
 * call is one transaction: the kernel takes all of it or none of it.
 */
import { isGone, type CommandRunner } from './exec.js';

export async function applyRuleset(run: CommandRunner, ruleset: string): Promise<void> {
  await run({ program: 'nft', args: ['-f', '-'], input: ruleset });
}

/** Deletes the table; a table that is already gone is fine. Other tables are never touched. */
export async function deleteTable(run: CommandRunner, table: string): Promise<void> {
  try {
    await run({ program: 'nft', args: ['delete', 'table', 'inet', table] });
  } catch (e) {
    if (!isGone(e)) throw e;
  }
}

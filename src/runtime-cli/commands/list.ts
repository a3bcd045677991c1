import { bool, flag, parseArgs } from '../args.js';
import type { Command } from '../command.js';

/** list [--format table|json] [--quiet] */
export const list: Command = async (runtime, argv) => {
  const p = parseArgs(argv, [{ names: ['--format', '-f'], value: true }, { names: ['--quiet', '-q'] }]);
  const states = await runtime.list();
  if (bool(p, '--quiet')) {
    for (const s of states) process.stdout.write(`${s.id}\n`);
  } else if (flag(p, '--format') === 'json') {
    process.stdout.write(`${JSON.stringify(states)}\n`);
  } else {
    const rows = [['ID', 'PID', 'STATUS', 'BUNDLE'], ...states.map((s) => [s.id, String(s.pid ?? 0), s.status, s.bundle])];
    const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)));
    for (const r of rows) process.stdout.write(`${r.map((c, i) => c.padEnd(widths[i]! + 2)).join('').trimEnd()}\n`);
  }
  return 0;
};

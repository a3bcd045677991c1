import { execFile } from 'node:child_process';
import { promisify } from 'node:util';

import { invalidArgument } from '../../errors.js';

const run = promisify(execFile);

export interface TopResult {
  Titles: string[];
  Processes: string[][];
}

/**
 * `docker top`: the host's ps, with the user's arguments, keeping the rows
 * of the container's processes (the pids of its cgroup), as dockerd does.
 */
export async function top(pids: number[], psArgs = '-ef'): Promise<TopResult> {
  const args = psArgs.split(/\s+/).filter(Boolean);
  let stdout: string;
  try {
    ({ stdout } = await run('ps', args, { maxBuffer: 16 * 1024 * 1024 }));
  } catch (e) {
    throw invalidArgument('', `ps: ${(e as { stderr?: string }).stderr?.trim() || (e as Error).message}`);
  }
  return parsePs(stdout, new Set(pids));
}

export function parsePs(output: string, pids: ReadonlySet<number>): TopResult {
  const lines = output.split('\n').filter((l) => l.trim() !== '');
  const header = lines.shift();
  if (!header) throw invalidArgument('', 'ps printed nothing');
  const titles = header.trim().split(/\s+/);
  const pidColumn = titles.indexOf('PID');
  if (pidColumn < 0) throw invalidArgument('', `Couldn't find PID field in ps output`);
  const processes: string[][] = [];
  for (const line of lines) {
    const fields = line.trim().split(/\s+/);
    if (!pids.has(Number(fields[pidColumn]))) continue;
    // The last column (the command) may contain spaces: keep it whole.
    const row = fields.slice(0, titles.length - 1);
    row.push(fields.slice(titles.length - 1).join(' '));
    processes.push(row);
  }
  return { Titles: titles, Processes: processes };
}

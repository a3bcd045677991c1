/**
 * Runs one command for a benchmark and records what it did: wall time on
 * the monotonic clock, every output line with the time it arrived (progress
 * lines tell the phases of a pull apart), and from GNU time the peak
 * resident memory of the command (`%M`: the kernel's ru_maxrss, the peak of
 * the largest process of the tree, in KiB) and the CPU time it used (`%U`,
 * `%S`: user and system, its waited-for children included).
 */
import { spawn } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';

export const GNU_TIME = '/usr/bin/time';

export interface OutputLine {
  /** ms from the start of the command */
  t: number;
  stream: 'stdout' | 'stderr';
  text: string;
}

export interface TimedRun {
  wallMs: number;
  /** peak RSS of the largest process the command ran, KiB */
  maxRssKiB: number;
  /** user + system CPU time, ms */
  cpuMs: number;
  lines: OutputLine[];
}

export const now = (): number => Number(process.hrtime.bigint()) / 1e6;

/**
 * Runs `file args` under GNU time (no shell), stdin from /dev/null; throws
 * with the end of its output unless it exits 0. `scratch` is a directory
 * for GNU time's report file.
 */
export async function timedRun(
  file: string,
  args: readonly string[],
  options: { scratch: string; env?: NodeJS.ProcessEnv },
): Promise<TimedRun> {
  const report = join(options.scratch, `time-${process.pid}-${Math.random().toString(36).slice(2)}.txt`);
  const lines: OutputLine[] = [];
  const t0 = now();
  const code = await new Promise<number>((resolve, reject) => {
    const child = spawn(GNU_TIME, ['-f', '%M %U %S', '-o', report, file, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: options.env ?? process.env,
    });
    const collect = (stream: 'stdout' | 'stderr') => {
      let partial = '';
      return (chunk: Buffer) => {
        const t = now() - t0;
        const parts = (partial + chunk.toString('utf8')).split('\n');
        partial = parts.pop() ?? '';
        for (const text of parts) lines.push({ t, stream, text });
      };
    };
    child.stdout.on('data', collect('stdout'));
    child.stderr.on('data', collect('stderr'));
    child.once('error', reject);
    child.once('close', (c, signal) => resolve(c ?? (signal ? 128 : 1)));
  });
  const wallMs = now() - t0;
  try {
    const text = await readFile(report, 'utf8').catch(() => '');
    if (code !== 0) {
      const tail = lines.slice(-30).map((l) => l.text);
      throw new Error(`${file} ${args.join(' ')}: exit ${code}\n${[...tail, text.trim()].join('\n')}`);
    }
    // GNU time's last line is the format's output ("Command exited …" lines come before it).
    const [rss, user, sys] = (text.trim().split('\n').at(-1) ?? '').split(' ').map(Number);
    if (rss === undefined || user === undefined || sys === undefined || ![rss, user, sys].every(Number.isFinite)) {
      throw new Error(`no peak RSS and CPU time from ${GNU_TIME} for ${file}: ${JSON.stringify(text)}`);
    }
    return { wallMs, maxRssKiB: rss, cpuMs: (user + sys) * 1000, lines };
  } finally {
    await rm(report, { force: true });
  }
}

/** Runs a command (no shell) and returns its stdout; throws with stderr unless it exits 0. */
export function run(file: string, args: readonly string[], options: { env?: NodeJS.ProcessEnv; input?: string } = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const input = options.input;
    const child = spawn(file, args, { stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'], env: options.env ?? process.env });
    let out = '';
    let err = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr?.on('data', (d: Buffer) => (err += d.toString('utf8')));
    child.once('error', (e) => reject(new Error(`cannot run ${file}: ${e.message}`, { cause: e })));
    child.once('close', (code) => {
      if (code === 0) resolve(out);
      else reject(new Error(`${file} ${args.join(' ')}: exit ${code}: ${(err || out).trim().slice(-2000)}`));
    });
    if (input !== undefined && child.stdin) {
      child.stdin.on('error', () => {}); // a child that exits without reading its input fails on its own
      child.stdin.end(input);
    }
  });
}

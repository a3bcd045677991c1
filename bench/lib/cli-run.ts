/**
 * One timed CLI command that may fail or hang: spawned directly (no shell),
 * stdin /dev/null, output collected; timed from spawn to exit with the
 * monotonic clock. A command that does not exit within the timeout is
 * SIGKILLed and reported as failed, so one hung command costs a benchmark
 * a sample, not the run.
 */
import { spawn } from 'node:child_process';

export interface CliCommand {
  file: string;
  args: string[];
  env: NodeJS.ProcessEnv;
}

export type CliResult = { ok: true; ms: number; stdout: string } | { ok: false; ms: number; error: string };

const now = (): number => Number(process.hrtime.bigint()) / 1e6;

export function runCli(cmd: CliCommand, timeoutMs: number): Promise<CliResult> {
  return new Promise((resolve) => {
    let out = '';
    let err = '';
    const t0 = now();
    let exitMs = NaN;
    let timedOut = false;
    const child = spawn(cmd.file, cmd.args, { stdio: ['ignore', 'pipe', 'pipe'], env: cmd.env });
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.on('data', (d: Buffer) => (out += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (err += d.toString('utf8')));
    child.once('exit', () => (exitMs = now() - t0));
    child.once('error', (e) => {
      clearTimeout(timer);
      resolve({ ok: false, ms: now() - t0, error: `cannot run ${cmd.file}: ${e.message}` });
    });
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      const ms = Number.isNaN(exitMs) ? now() - t0 : exitMs;
      const line = `${cmd.file} ${cmd.args.join(' ')}`;
      if (timedOut) resolve({ ok: false, ms, error: `${line}: no exit within ${timeoutMs} ms (killed)` });
      else if (code !== 0) resolve({ ok: false, ms, error: `${line}: exit ${code ?? signal}: ${(err || out).trim().slice(-500)}` });
      else resolve({ ok: true, ms, stdout: out });
    });
  });
}

/** runCli, throwing on failure: for set-up commands, which must work. */
export async function mustCli(cmd: CliCommand, timeoutMs = 60_000): Promise<string> {
  const r = await runCli(cmd, timeoutMs);
  if (!r.ok) throw new Error(r.error);
  return r.stdout;
}

/**
 * Drives the real berth-runtime binary for tests, with a state root of the
 * test's own, and runs bundles to completion collecting what the container
 * printed.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { after, before } from 'node:test';

import { assertNoLeaks, snapshotHost, type HostSnapshot } from '../fixtures/host-leaks.js';
import { repoRoot } from '../fixtures/paths.js';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export const RUNTIME_BIN = path.join(repoRoot(), 'bin', 'berth-runtime');

export class RuntimeCli {
  private constructor(readonly root: string) {}

  static async create(): Promise<RuntimeCli> {
    return new RuntimeCli(await mkdtemp(path.join(tmpdir(), 'berth-test-root-')));
  }

  run(args: string[], options: { cwd?: string; input?: string; timeoutMs?: number } = {}): Promise<CliResult> {
    return runCommand(RUNTIME_BIN, ['--root', this.root, ...args], options);
  }

  async dispose(): Promise<void> {
    // Anything a failed test left: force-delete it so the host stays clean.
    const listed = await this.run(['list', '--quiet']);
    for (const id of listed.stdout.split('\n').filter(Boolean)) await this.run(['delete', '--force', id]);
    await rm(this.root, { recursive: true, force: true });
  }
}

export function runCommand(
  file: string,
  args: string[],
  options: { cwd?: string; input?: string; timeoutMs?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { cwd: options.cwd, env: options.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.stdin.on('error', () => {});
    child.stdin.end(options.input ?? '');
    // A detached container inherits the command's stdout and stderr (as
    // with runc), so they may never close: finish at exit, after a short
    // grace for output still in flight.
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      const done = () => resolve({ code: code ?? 128 + (signal ? 9 : 0), stdout, stderr });
      const grace = setTimeout(() => {
        child.stdout.destroy();
        child.stderr.destroy();
        done();
      }, 50);
      child.on('close', () => {
        clearTimeout(grace);
        done();
      });
    });
  });
}

/**
 * For a describe() block: a RuntimeCli with a state root of its own before
 * the tests, and afterwards its containers deleted and a check that the
 * host is left as it was found. Read `.cli` inside tests and hooks.
 */
export function useRuntimeCli(): { readonly cli: RuntimeCli } {
  const state: { cli?: RuntimeCli; host?: HostSnapshot } = {};
  before(async () => {
    state.host = await snapshotHost();
    state.cli = await RuntimeCli.create();
  });
  after(async () => {
    await state.cli?.dispose();
    if (state.host) await assertNoLeaks(state.host);
  });
  return {
    get cli(): RuntimeCli {
      if (!state.cli) throw new Error('useRuntimeCli: .cli read before the before() hook ran');
      return state.cli;
    },
  };
}

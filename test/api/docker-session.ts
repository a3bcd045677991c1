/**
 * A berthd of a test's own, with a busybox image imported, driven by the
 * real docker CLI:
 *
 *   const s = useDockerSession('berth-test-ctr-');
 *   test('…', async () => { assert.equal(await s.ok(['run', '--rm', IMAGE, 'true']), ''); });
 *
 * Registers the before/after hooks: the host is snapshotted first; at the
 * end every container is removed, the daemon must stop cleanly and take its
 * bridge and nftables table with it, the directory goes, and nothing may be
 * left on the host.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before } from 'node:test';

import { busyboxTarball } from '../fixtures/busybox-image.js';
import { assertNoLeaks, snapshotHost, type HostSnapshot } from '../fixtures/host-leaks.js';
import { runCommand, type CliResult } from '../runtime/harness.js';
import { startDaemon, type DaemonProcess } from './daemon-process.js';

export const DOCKER = '/usr/local/bin/docker';
export const DEBIAN_DOCKER = '/usr/bin/docker';
export const IMAGE = 'berth-test/busybox:1';

/** Why a suite that needs root and the docker CLI cannot run here, or false. */
export function skipReason(): string | false {
  if (process.getuid?.() !== 0) return 'needs root';
  if (!existsSync(DOCKER)) return `needs ${DOCKER}`;
  return false;
}

export interface RunOptions {
  bin?: string;
  input?: string;
  timeoutMs?: number;
}

export interface DockerSession {
  readonly dir: string;
  readonly daemon: DaemonProcess;
  /** DOCKER_HOST and a config dir of the test's own */
  readonly env: NodeJS.ProcessEnv;
  docker(args: string[], options?: RunOptions): Promise<CliResult>;
  /** docker, which must succeed; its stdout */
  ok(args: string[], options?: RunOptions): Promise<string>;
  /** SIGKILL the daemon (its containers live on) */
  killDaemon(): Promise<void>;
  /** a new daemon on the same root, exec root, bridge and table */
  startDaemon(): Promise<void>;
}

export function useDockerSession(prefix: string, options: { changes?: string[] } = {}): DockerSession {
  let host: HostSnapshot;
  let dir = '';
  let daemon: DaemonProcess | undefined;
  let env: NodeJS.ProcessEnv = {};
  const arg = (name: string) => daemon?.child.spawnargs[daemon.child.spawnargs.indexOf(name) + 1] ?? '';

  const session: DockerSession = {
    get dir() {
      return dir;
    },
    get daemon() {
      if (!daemon) throw new Error('no daemon');
      return daemon;
    },
    get env() {
      return env;
    },
    docker: (args, o = {}) =>
      runCommand(o.bin ?? DOCKER, args, { env, timeoutMs: o.timeoutMs ?? 60_000, ...(o.input !== undefined ? { input: o.input } : {}) }),
    async ok(args, o = {}) {
      const r = await session.docker(args, o);
      assert.equal(r.code, 0, `docker ${args.join(' ')}: ${r.stderr}\n${r.stdout}\ndaemon log:\n${daemon?.log() ?? ''}`);
      return r.stdout;
    },
    async killDaemon() {
      daemon?.child.kill('SIGKILL');
      await daemon?.stop();
    },
    async startDaemon() {
      daemon = await startDaemon(dir);
    },
  };

  before(async () => {
    host = await snapshotHost();
    dir = await mkdtemp(path.join(tmpdir(), prefix));
    daemon = await startDaemon(dir);
    env = { ...process.env, DOCKER_HOST: daemon.host, DOCKER_CONFIG: path.join(dir, 'cli-docker'), DOCKER_CLI_HINTS: 'false' };
    const changes = ['CMD ["sh"]', ...(options.changes ?? [])].flatMap((c) => ['--change', c]);
    await session.ok(['import', ...changes, await busyboxTarball(dir), IMAGE]);
  });

  after(async () => {
    if (daemon) {
      const left = await session.docker(['ps', '-aq']);
      if (left.stdout.trim()) await session.docker(['rm', '-f', ...left.stdout.trim().split('\n')]);
      const bridge = arg('--bridge');
      const table = arg('--nft-table');
      assert.equal(await daemon.stop(), 0, `the daemon stops cleanly:\n${daemon.log()}`);
      assert.notEqual((await runCommand('ip', ['link', 'show', bridge])).code, 0, `the daemon's bridge ${bridge} is gone`);
      assert.notEqual((await runCommand('nft', ['list', 'table', 'inet', table])).code, 0, `the daemon's table ${table} is gone`);
    }
    if (dir) await rm(dir, { recursive: true, force: true });
    await assertNoLeaks(host);
  });

  return session;
}

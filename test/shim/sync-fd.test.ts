/**
 * berth-shim --sync-fd with a stand-in launcher (a shell script) instead of
 * berth-core: the caller's fd 3 reaches the launcher, its messages on fd 4
 * are relayed unchanged, the "ready" pid is adopted, and a launcher that
 * fails is recorded as the exit. Protocol: docs/shim.md.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Readable, Writable } from 'node:stream';
import { after, before, describe, test } from 'node:test';
import { promisify } from 'node:util';

import { ShimClient } from '../../src/runtime/shim/index.js';
import { assertNoLeaks, snapshotHost, type HostSnapshot } from '../fixtures/host-leaks.js';
import { BUSYBOX, repoRoot } from '../fixtures/paths.js';
import { readLog, waitFor } from './shim-harness.js';

const SHIM = join(repoRoot(), 'native', 'build', 'berth-shim');

interface Run {
  dir: string;
  log: string;
  /** the start-up result */
  code: number | null;
  /** everything relayed on fd 4, once the shim closed it */
  relayed: string;
}

let root = '';
let n = 0;

/** Runs the shim with `script` as launcher (sh -c), `input` on its fd 3. */
async function run(script: string, input: string, extra: string[] = []): Promise<Run> {
  const dir = join(root, `s${n++}`);
  const log = `${dir}.log`;
  const args = ['--state', dir, '--log', log, ...extra, '--sync-fd', '4', '--', BUSYBOX, 'sh', '-c', script];
  const child = spawn(SHIM, args, { stdio: ['ignore', 'ignore', 'inherit', 'pipe', 'pipe'] });
  (child.stdio[3] as Writable).end(input);
  let relayed = '';
  const sync = child.stdio[4] as Readable;
  sync.on('data', (d: Buffer) => (relayed += d.toString()));
  const [code] = await Promise.all([
    new Promise<number | null>((r) => child.on('exit', (c) => r(c))),
    new Promise((r) => sync.on('close', r)),
  ]);
  return { dir, log, code, relayed };
}

describe('berth-shim --sync-fd', () => {
  let host: HostSnapshot;
  before(async () => {
    await promisify(execFile)('make', ['-s', '-C', join(repoRoot(), 'native'), 'build/berth-shim']);
    host = await snapshotHost();
    root = await mkdtemp(join(tmpdir(), 'berth-test-sync-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
    await assertNoLeaks(host);
  });

  test('relays the launcher’s lines unchanged, adopts the ready pid, records its exit', async () => {
    // The launcher reads the plan on fd 3, starts the "container" and exits
    // at once, as berth-core does in detached mode.
    const script = `read plan <&3; echo "plan: $plan"; (sleep 0.2; echo from-child; exit 7) & echo "{\\"type\\":\\"ready\\",\\"pid\\":$!}" >&4`;
    const r = await run(script, 'the-plan\n');
    assert.equal(r.code, 0);
    const pid = Number(/"pid":(\d+)/.exec(r.relayed)?.[1]);
    assert.equal(r.relayed, `{"type":"ready","pid":${pid}}\n`, 'one line, as written, then EOF');
    assert.equal(readFileSync(join(r.dir, 'pid'), 'utf8'), `${pid}\n`);
    const exit = await new ShimClient(r.dir).waitExit();
    assert.deepEqual([exit?.exitCode, exit?.signal], [7, 0]);
    await waitFor('the shim to exit', () => !new ShimClient(r.dir).isRunning());
    assert.deepEqual(readLog(r.log).map((e) => e.log), ['plan: the-plan\n', 'from-child\n']);
  });

  test('a launcher that fails: its error line, EOF, and its exit code in the exit file', async () => {
    const r = await run('echo \'{"type":"error","step":"mount"}\' >&4; exit 3', '');
    assert.equal(r.code, 0, 'the launcher itself was started');
    assert.equal(r.relayed, '{"type":"error","step":"mount"}\n');
    assert.equal((await new ShimClient(r.dir).waitExit())?.exitCode, 3);
  });

  test('a launcher that ends without a word is recorded too', async () => {
    const r = await run('exit 0', '', ['--wait-attach']);
    assert.equal(r.relayed, '');
    const shim = new ShimClient(r.dir);
    assert.equal((await shim.waitExit())?.exitCode, 0);
    await waitFor('the shim to exit without waiting for an attach', () => !shim.isRunning(), 3000);
  });

  test('kill before "ready" is refused: the launcher is not the container', async () => {
    const dir = join(root, `s${n++}`);
    const child = spawn(SHIM, ['--state', dir, '--sync-fd', '4', '--', BUSYBOX, 'sleep', '1'], {
      stdio: ['ignore', 'ignore', 'inherit', 'pipe', 'pipe'],
    });
    await new Promise((r) => child.on('exit', r));
    const shim = new ShimClient(dir);
    await assert.rejects(shim.kill(9), /process not started/);
    assert.equal((await shim.waitExit())?.exitCode, 0);
  });

  test('a hole below --sync-fd is refused', async () => {
    // Only fds 0 to 3 are passed: the ones above are closed (libuv may hold one itself).
    const child = spawn(SHIM, ['--state', join(root, 'hole'), '--sync-fd', '9', '--', 'true'], {
      stdio: ['ignore', 'ignore', 'pipe', 'pipe'],
    });
    let err = '';
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise((r) => child.on('close', r));
    assert.equal(code, 1);
    assert.match(err, /--sync-fd 9: fd [4-9] is not open: Bad file descriptor/);
  });
});

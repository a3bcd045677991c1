/**
 * Containers under berth-shim, created through LinuxRuntime as berthd
 * creates them: the shim runs berth-core as its launcher, relays its ready
 * message and adopts the container's init. Observed through what outlives
 * the caller: the state directory, the json-file log and the sockets.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { pathToFileURL } from 'node:url';

import { BerthError } from '../../src/errors.js';
import { CoreStepError } from '../../src/runtime/core-error.js';
import { ShimClient } from '../../src/runtime/shim/index.js';
import { makeBundle } from '../fixtures/bundle.js';
import { repoRoot } from '../fixtures/paths.js';
import { collect, ppidOf, readLog, useShimEnv, waitFor } from './shim-harness.js';

const root = process.getuid?.() === 0;

/** Creates and starts a container under a shim, prints its pid, then waits to be killed. */
const CALLER = `
const { LinuxRuntime } = await import(process.argv[1]);
const [root, id, bundle, stateDir, logPath] = process.argv.slice(2);
const task = await new LinuxRuntime({ root }).create(id, bundle, { shim: { stateDir, logPath } });
await task.start();
process.stdout.write(JSON.stringify({ pid: task.pid }) + '\\n');
setInterval(() => {}, 1000);
`;

describe('containers under berth-shim', { skip: !root && 'needs root' }, () => {
  const env = useShimEnv();

  test('waits at the start gate; once started, its output is logged and its exit recorded', async () => {
    const b = await makeBundle({ mutate: (s) => void (s.process!.args = ['/bin/sh', '-c', 'echo out; echo err >&2; exit 3']) });
    try {
      const stateDir = env.shimDir('gate');
      const logPath = join(stateDir, '..', 'gate.log');
      const task = await env.runtime.create(b.id, b.dir, { shim: { stateDir, logPath } });
      const shim = new ShimClient(stateDir);
      assert.equal((await task.state()).status, 'created');
      assert.ok(shim.isRunning());
      assert.equal(readFileSync(join(stateDir, 'pid'), 'utf8'), `${task.pid}\n`, 'pid is the container’s init');
      assert.equal(ppidOf(task.pid), shim.process()?.pid, 'the init is re-parented to the shim');
      await sleep(100);
      assert.deepEqual(readLog(logPath), [], 'nothing runs before start');
      assert.equal(await shim.readExit(), undefined);

      await task.start();
      const exit = await shim.waitExit();
      assert.deepEqual([exit?.exitCode, exit?.signal], [3, 0]);
      assert.deepEqual(await task.wait(), { code: 3, signal: 0 });
      const log = readLog(logPath);
      assert.deepEqual(log.filter((e) => e.stream === 'stdout').map((e) => e.log), ['out\n']);
      assert.deepEqual(log.filter((e) => e.stream === 'stderr').map((e) => e.log), ['err\n']);
      await task.delete();
      await waitFor('the shim to exit', () => !shim.isRunning());
      assert.equal(readFileSync(join(stateDir, 'shim.log'), 'utf8'), '', 'no shim errors');
    } finally {
      await b.cleanup();
    }
  });

  test('the container keeps running and logging after its caller is SIGKILLed', async () => {
    const b = await makeBundle({
      mutate: (s) => void (s.process!.args = ['/bin/sh', '-c', 'i=0; while true; do echo "tick $i"; i=$((i+1)); sleep 0.05; done']),
    });
    try {
      const stateDir = env.shimDir('orphan');
      const logPath = join(stateDir, '..', 'orphan.log');
      const runtimeModule = pathToFileURL(join(repoRoot(), 'dist/src/runtime/linux-runtime.js')).href;
      const caller = spawn(process.execPath, ['--input-type=module', '-e', CALLER, runtimeModule, env.root, b.id, b.dir, stateDir, logPath], {
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      let out = '';
      caller.stdout.on('data', (d: Buffer) => (out += d.toString()));
      const gone = new Promise((r) => caller.on('exit', r));
      const { pid } = await waitFor('the caller to start the container', () => out.includes('\n') && (JSON.parse(out) as { pid: number }));
      caller.kill('SIGKILL');
      await gone;

      const shim = new ShimClient(stateDir);
      const seen = readLog(logPath).length;
      await waitFor('more lines after the caller died', () => readLog(logPath).length >= seen + 5);
      assert.ok(shim.isRunning());
      await shim.kill(9);
      const exit = await shim.waitExit();
      assert.deepEqual([exit?.exitCode, exit?.signal], [137, 9]);
      const ticks = readLog(logPath).map((e) => e.log);
      assert.deepEqual(ticks, ticks.map((_, i) => `tick ${i}\n`), 'every line, in order');
      await assert.rejects(shim.kill(9), (e: BerthError) => e.category === 'Conflict' || e.category === 'Unavailable');
      assert.equal(existsSync(`/proc/${pid}`), false);
      await (await env.runtime.load(b.id)).delete();
    } finally {
      await b.cleanup();
    }
  });

  test('--console-socket: the container’s own pty, resized through control.sock', async () => {
    const b = await makeBundle({
      mutate: (s) => {
        s.process!.terminal = true;
        s.process!.consoleSize = { height: 30, width: 100 };
        s.process!.args = ['/bin/sh'];
      },
    });
    try {
      const stateDir = env.shimDir('tty');
      const logPath = join(stateDir, '..', 'tty.log');
      const task = await env.runtime.create(b.id, b.dir, { shim: { stateDir, logPath, stdin: true } });
      const shim = new ShimClient(stateDir);
      const attach = collect(await shim.attach());
      const sock = await shim.attach();
      await task.start();
      // $((6*7)) makes the answer differ from the echoed input.
      sock.write('tty; stty size; echo T$((6*7))\n');
      await waitFor('tty and the size from the spec', () => /\/dev\/pts\/0\r\n30 100\r\nT42\r\n/.test(attach.data().toString()));
      await shim.resize(40, 120);
      sock.write('stty size\n');
      await waitFor('the new size', () => /\n40 120\r\n/.test(attach.data().toString()));
      await assert.rejects(shim.closeStdin(), /no stdin pipe with a terminal/);
      sock.write('exit 5\n');
      const exit = await shim.waitExit();
      assert.equal(exit?.exitCode, 5);
      await attach.ended;
      sock.destroy();
      const log = readLog(logPath);
      assert.ok(log.every((e) => e.stream === 'stdout'));
      assert.ok(log.some((e) => e.log === '40 120\r\n'), 'the terminal output is logged');
      assert.equal(existsSync(join(stateDir, 'console.sock')), false, 'console.sock is gone once used');
      await task.delete();
    } finally {
      await b.cleanup();
    }
  });

  test('a core failure is the same CoreStepError as without a shim, and leaves nothing', async () => {
    const b = await makeBundle({ mutate: (s) => void (s.process!.args = ['/nonexistent/program']) });
    try {
      const plain = await env.runtime.create(b.id, b.dir, { stdio: ['ignore', 'ignore', 'ignore'] }).then(
        () => assert.fail('created without a shim'),
        (e: unknown) => e,
      );
      const stateDir = env.shimDir('fail');
      const t0 = Date.now();
      const shimmed = await env.runtime.create(b.id, b.dir, { shim: { stateDir, logPath: `${stateDir}.log` } }).then(
        () => assert.fail('created under a shim'),
        (e: unknown) => e,
      );
      // A shim that lingers is killed after 5 s: this one must have ended by itself.
      assert.ok(Date.now() - t0 < 4000, 'the shim ended by itself');
      for (const e of [plain, shimmed]) {
        assert.ok(e instanceof BerthError && e.cause instanceof CoreStepError, String(e));
      }
      const [a, s] = [(plain as BerthError).cause as CoreStepError, (shimmed as BerthError).cause as CoreStepError];
      assert.deepEqual([s.step, s.errno, s.path, s.category, s.message], [a.step, a.errno, a.path, a.category, a.message]);
      assert.equal((shimmed as BerthError).message, (plain as BerthError).message);
      assert.equal(s.cannotInvoke, 'not-found');
      assert.equal(existsSync(stateDir), false, 'the shim state directory is removed');
      assert.deepEqual(await env.runtime.list(), []);
    } finally {
      await b.cleanup();
    }
  });

  test('a shim that cannot start says why, and the container is not created', async () => {
    const b = await makeBundle();
    try {
      const stateDir = join(env.shimDir('nowhere'), 'no', 'such', 'dir');
      await assert.rejects(
        env.runtime.create(b.id, b.dir, { shim: { stateDir } }),
        (e: BerthError) => e.category === 'Internal' && /berth-shim: start-up failed \(1\): berth-shim: mkdir .*: No such file or directory/.test(e.message),
      );
      assert.deepEqual(await env.runtime.list(), []);
    } finally {
      await b.cleanup();
    }
  });
});

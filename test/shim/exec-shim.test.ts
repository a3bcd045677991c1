/**
 * Exec processes under a shim of their own, as `docker exec` runs them:
 * with --wait-attach the output waits in the pipe (or the pty) until the
 * client attaches, so not one byte is lost even without a log.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import type { Process } from '../../src/oci/spec.js';
import type { ShimClient } from '../../src/runtime/shim/index.js';
import type { Task } from '../../src/runtime/task.js';
import { makeBundle, type Bundle } from '../fixtures/bundle.js';
import { collect, unframe, useShimEnv, waitFor, type ShimEnv } from './shim-harness.js';

const root = process.getuid?.() === 0;

/** A running container (init: a long sleep) under a shim, for the duration of `fn`. */
async function withContainer(env: ShimEnv, fn: (task: Task) => Promise<void>): Promise<void> {
  let bundle: Bundle | undefined;
  try {
    bundle = await makeBundle({ mutate: (s) => void (s.process!.args = ['/bin/sleep', '1000']) });
    const task = await env.runtime.create(bundle.id, bundle.dir, { shim: { stateDir: env.shimDir('init') } });
    await task.start();
    await fn(task);
    await task.delete(true);
  } finally {
    await bundle?.cleanup();
  }
}

function execProcess(task: Task, args: string[], terminal = false): Process {
  return { ...task.spec.process!, args, terminal };
}

/** Everything an attach connection receives until the shim closes it. */
async function attachAll(shim: ShimClient): Promise<Buffer> {
  const c = collect(await shim.attach());
  await c.ended;
  return c.data();
}

describe('exec under berth-shim', { skip: !root && 'needs root' }, () => {
  const env = useShimEnv();

  test('--wait-attach: a process that ends before the attach loses no output; its exit is recorded at once', async () => {
    await withContainer(env, async (task) => {
      const stateDir = env.shimDir('exec');
      const launched = await task.exec(execProcess(task, ['/bin/sh', '-c', 'echo hi; echo ho >&2; exit 4']), {
        shim: { stateDir, waitAttach: true },
      });
      const shim = launched.shim!;
      const exit = await shim.waitExit();
      assert.equal(exit?.exitCode, 4);
      assert.equal((await launched.exited).code, 4);
      assert.ok(shim.isRunning(), 'the shim keeps the output for a client');
      assert.deepEqual(unframe(await attachAll(shim)), { 1: 'hi\n', 2: 'ho\n' });
      await waitFor('the shim to exit', () => !shim.isRunning());
    });
  });

  test('--wait-attach: output beyond the pipe’s capacity waits for the client, and for a slow client', async () => {
    await withContainer(env, async (task) => {
      const size = 1_000_000;
      const launched = await task.exec(execProcess(task, ['/bin/sh', '-c', `head -c ${size} /dev/zero | tr '\\0' a`]), {
        shim: { stateDir: env.shimDir('big'), waitAttach: true },
      });
      const shim = launched.shim!;
      await sleep(200);
      assert.equal(await shim.readExit(), undefined, 'the writer is blocked on a full pipe');
      // A client that does not read for a while fills its socket: it slows
      // the process down rather than being dropped.
      const sock = await shim.attach();
      sock.pause();
      const c = collect(sock);
      await sleep(300);
      assert.equal(await shim.readExit(), undefined, 'the writer waits for the client');
      sock.resume();
      await c.ended;
      assert.equal(unframe(c.data())[1], 'a'.repeat(size));
      assert.equal((await shim.waitExit())?.exitCode, 0);
    });
  });

  test('--wait-attach with a terminal: what the process wrote before the attach is kept in the pty, whatever the dir’s length', async () => {
    await withContainer(env, async (task) => {
      // As long as an exec's directory under /run/berth/containers/<id>/execs/: past sun_path's 108 bytes.
      const stateDir = env.shimDir(`tty-${'x'.repeat(100)}`);
      assert.ok(join(stateDir, 'console.sock').length > 108);
      const launched = await task.exec(execProcess(task, ['/bin/sh', '-c', 'tty; echo hi; exit 6'], true), {
        shim: { stateDir, waitAttach: true },
      });
      const shim = launched.shim!;
      assert.equal((await shim.waitExit())?.exitCode, 6);
      assert.match((await attachAll(shim)).toString(), /^\/dev\/pts\/\d+\r\nhi\r\n$/);
    });
  });

  test('an exec whose program is missing fails as without a shim and leaves no shim behind', async () => {
    await withContainer(env, async (task) => {
      const stateDir = env.shimDir('missing');
      const t0 = Date.now();
      await assert.rejects(
        task.exec(execProcess(task, ['/nonexistent/program']), { shim: { stateDir, waitAttach: true } }),
        (e: Error & { step?: string; cannotInvoke?: string }) => e.name === 'CoreStepError' && e.cannotInvoke === 'not-found',
      );
      // A shim that lingers is killed after 5 s; the output of a failed launch is not held for a client.
      assert.ok(Date.now() - t0 < 4000, 'the shim ended by itself');
      assert.equal(existsSync(stateDir), false);
    });
  });
});

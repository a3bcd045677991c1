/**
 * process.terminal with --console-socket, as runc does it: the pty is made
 * inside the container and its master handed to the socket's owner.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { describe, test } from 'node:test';

import { makeBundle } from '../fixtures/bundle.js';
import { repoRoot } from '../fixtures/paths.js';
import { useRuntimeCli } from './harness.js';

const root = process.getuid?.() === 0;

/** Starts the receiver; resolves once it listens, with a promise of everything the pty printed. */
function receiver(socketPath: string, input = ''): Promise<{ output: Promise<string> }> {
  return new Promise((resolve, reject) => {
    const child = spawn('python3', [path.join(repoRoot(), 'test/fixtures/recvtty.py'), socketPath, input]);
    let out = '';
    const done = new Promise<string>((r) => child.on('close', () => r(out)));
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      // Wrapped: resolving with a bare promise would wait for it.
      if (out.startsWith('listening\n')) resolve({ output: done });
    });
    child.on('error', reject);
    setTimeout(() => child.kill(), 30_000).unref();
  });
}

describe('terminal', { skip: !root && 'needs root' }, () => {
  const env = useRuntimeCli();

  test('the container gets a pty of its own size as stdio and controlling terminal', async () => {
    const bundle = await makeBundle({
      mutate: (s) => {
        s.process!.terminal = true;
        s.process!.consoleSize = { height: 40, width: 100 };
        s.process!.args = ['/bin/sh', '-c', 'tty; stty size; read line; echo "got $line"'];
      },
    });
    try {
      const socketPath = path.join(bundle.dir, 'console.sock');
      const { output } = await receiver(socketPath, 'hello\n');
      const r = await env.cli.run(['run', '--console-socket', socketPath, '--bundle', bundle.dir, bundle.id]);
      assert.equal(r.code, 0, r.stderr);
      const lines = (await output).split(/\r?\n/).filter(Boolean);
      assert.deepEqual(lines.slice(0, 2), ['listening', 'received']);
      assert.ok(lines.includes('/dev/pts/0'), `tty: ${JSON.stringify(lines)}`);
      assert.ok(lines.includes('40 100'), `size: ${JSON.stringify(lines)}`);
      assert.ok(lines.includes('got hello'), `input: ${JSON.stringify(lines)}`);
    } finally {
      await bundle.cleanup();
    }
  });

  test('a terminal without a console socket is refused plainly', async () => {
    const bundle = await makeBundle({ mutate: (s) => void (s.process!.terminal = true) });
    try {
      const r = await env.cli.run(['run', '--bundle', bundle.dir, bundle.id]);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /process\.terminal: a terminal was requested but no --console-socket was given/);
    } finally {
      await bundle.cleanup();
    }
  });
});

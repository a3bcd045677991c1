/**
 * ShimClient against a fake shim: a state directory with a control.sock
 * served by this process and a shim.json naming this process (or a stale one).
 */
import assert from 'node:assert/strict';
import { closeSync, openSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { BerthError } from '../../errors.js';
import { bootId, processStartTime } from '../process-info.js';
import { ShimClient } from './shim-client.js';

const EXIT = { exitCode: 3, signal: 0, finishedAt: '2026-01-02T03:04:05.5Z' };

let base = '';

const stateDir = (): Promise<string> => mkdtemp(path.join(base, 'shim-'));

/** shim.json naming this very process: a "running" shim. */
async function alive(dir: string, override: Partial<{ pid: number; startTime: number; bootId: string }> = {}): Promise<void> {
  const id = { pid: process.pid, startTime: processStartTime(process.pid), bootId: bootId(), ...override };
  await writeFile(path.join(dir, 'shim.json'), JSON.stringify(id));
}

/** Serves control.sock: `answer` gets each line and the socket. */
async function serve(dir: string, answer: (line: string, sock: Socket) => void): Promise<Server> {
  const server = createServer((sock) => {
    let buf = '';
    sock.on('data', (d) => {
      buf += d.toString();
      let nl: number;
      while ((nl = buf.indexOf('\n')) >= 0) {
        answer(buf.slice(0, nl), sock);
        buf = buf.slice(nl + 1);
      }
    });
    sock.on('error', () => {});
  });
  await new Promise<void>((r) => server.listen(path.join(dir, 'control.sock'), r));
  return server;
}

const category = (c: string) => (e: unknown) => e instanceof BerthError && e.category === c;

describe('ShimClient', () => {
  before(async () => {
    base = await mkdtemp(path.join(tmpdir(), 'berth-test-shim-client-'));
  });
  after(async () => {
    await rm(base, { recursive: true, force: true });
  });

  test('readExit: nothing yet, the record, or a plain error for a malformed file', async () => {
    const dir = await stateDir();
    const c = new ShimClient(dir);
    assert.equal(await c.readExit(), undefined);
    await writeFile(path.join(dir, 'exit'), JSON.stringify(EXIT) + '\n');
    assert.deepEqual(await c.readExit(), EXIT);
    await writeFile(path.join(dir, 'exit'), '{"exitCode":"x"}');
    await assert.rejects(c.readExit(), /malformed exit file/);
  });

  test('isRunning trusts shim.json only with this boot and the same start time', async () => {
    const dir = await stateDir();
    const c = new ShimClient(dir);
    assert.equal(c.isRunning(), false, 'no shim.json');
    await alive(dir);
    assert.equal(c.isRunning(), true);
    assert.deepEqual(c.process(), { pid: process.pid, startTime: processStartTime(process.pid) });
    await alive(dir, { startTime: 1 });
    assert.equal(c.isRunning(), false, 'a reused pid');
    await alive(dir, { bootId: '00000000-0000-0000-0000-000000000000' });
    assert.equal(c.isRunning(), false, 'another boot');
    await writeFile(path.join(dir, 'shim.json'), '{"pid":');
    assert.equal(c.isRunning(), false, 'a torn file');
  });

  test('control commands: one line out, one reply back; errors become BerthErrors', async () => {
    const dir = await stateDir();
    const seen: string[] = [];
    const replies: Record<string, string> = {
      'resize 24 80': 'ok',
      'resize 1 1': 'error no terminal',
      'kill 9': 'error process has exited',
      'close-stdin': 'error usage: no',
    };
    const server = await serve(dir, (line, sock) => {
      seen.push(line);
      if (line === 'kill 15') sock.destroy();
      else sock.write(`${replies[line] ?? 'error unknown command'}\n`);
    });
    try {
      const c = new ShimClient(dir);
      await c.resize(24, 80);
      await assert.rejects(c.resize(1, 1), category('FailedPrecondition'));
      await assert.rejects(c.kill(9), category('Conflict'));
      await assert.rejects(c.closeStdin(), category('InvalidArgument'));
      await assert.rejects(c.kill(15), category('Unavailable'));
      assert.deepEqual(seen, ['resize 24 80', 'resize 1 1', 'kill 9', 'close-stdin', 'kill 15']);
      await assert.rejects(c.kill(0), category('InvalidArgument'));
      await assert.rejects(c.resize(-1, 80), category('InvalidArgument'));
    } finally {
      server.close();
    }
  });

  test('a state directory too long for a socket path still works', async () => {
    const dir = path.join(await stateDir(), 'x'.repeat(120));
    await mkdir(dir);
    const server = await new Promise<Server>((resolve) => {
      // Listen the same way: bind through the directory's descriptor.
      const fd = openSync(dir, 'r');
      const srv = createServer((sock) => sock.end('ok\n'));
      srv.listen(`/proc/self/fd/${fd}/control.sock`, () => {
        closeSync(fd);
        resolve(srv);
      });
    });
    try {
      await new ShimClient(dir).resize(24, 80);
      await assert.rejects(new ShimClient(path.join(dir, 'gone')).kill(9), category('Unavailable'));
    } finally {
      server.close();
    }
  });

  test('a shim that is not there is Unavailable', async () => {
    const c = new ShimClient(await stateDir());
    await assert.rejects(c.attach(), category('Unavailable'));
    await assert.rejects(c.kill(9), category('Unavailable'));
  });

  test('waitExit: asks "wait" and reads the exit once answered', async () => {
    const dir = await stateDir();
    await alive(dir);
    let answer: () => void = () => {};
    const server = await serve(dir, (line, sock) => {
      assert.equal(line, 'wait');
      answer = () => {
        void writeFile(path.join(dir, 'exit'), JSON.stringify(EXIT)).then(() => sock.write('ok\n'));
      };
    });
    try {
      const c = new ShimClient(dir);
      let done = false;
      const waiting = c.waitExit().then((e) => ((done = true), e));
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(done, false, 'no answer yet');
      answer();
      assert.deepEqual(await waiting, EXIT);
    } finally {
      server.close();
    }
  });

  test('waitExit: a shim gone, before or while waiting, gives the exit file or undefined', async () => {
    const gone = await stateDir();
    await writeFile(path.join(gone, 'exit'), JSON.stringify(EXIT));
    assert.deepEqual(await new ShimClient(gone).waitExit(), EXIT, 'no shim.json: the file at once');

    const dir = await stateDir();
    await alive(dir);
    const server = await serve(dir, (_line, sock) => sock.destroy());
    try {
      assert.equal(await new ShimClient(dir).waitExit(), undefined, 'killed without an exit file');
    } finally {
      server.close();
    }
  });
});

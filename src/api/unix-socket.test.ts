import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { isBerthError } from '../errors.js';
import { answers, prepareSocket, socketPathOf } from './unix-socket.js';

describe('prepareSocket', () => {
  let dir: string;
  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'berth-test-socket-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  const listen = async (p: string): Promise<net.Server> => {
    const server = net.createServer((c) => c.end());
    await new Promise<void>((resolve) => server.listen(p, resolve));
    return server;
  };

  test('creates the directory', async () => {
    const p = path.join(dir, 'a', 'b', 'berth.sock');
    await prepareSocket(p);
    assert.ok(existsSync(path.dirname(p)));
  });

  test('refuses a socket someone answers on, removes one nobody does', async () => {
    const p = path.join(dir, 'live.sock');
    const server = await listen(p);
    await assert.rejects(prepareSocket(p), (e: unknown) => isBerthError(e, 'Unavailable') && /another daemon/.test(e.message));
    assert.equal(await answers(p), true);
    // A stale socket, as a daemon killed with SIGKILL leaves it: the file, and nobody listening.
    server.close();
    const stale = path.join(dir, 'stale.sock');
    execFileSync('python3', ['-c', 'import socket, sys; socket.socket(socket.AF_UNIX).bind(sys.argv[1])', stale]);
    assert.ok(existsSync(stale));
    assert.equal(await answers(stale), false);
    await prepareSocket(stale);
    assert.equal(existsSync(stale), false);
  });

  test('never removes a file that is not a socket', async () => {
    const p = path.join(dir, 'plain');
    await writeFile(p, 'keep me');
    await assert.rejects(prepareSocket(p), (e: unknown) => isBerthError(e, 'FailedPrecondition'));
    assert.ok(existsSync(p));
  });

  test('socketPathOf takes unix:// URLs and paths only', () => {
    assert.equal(socketPathOf('unix:///run/berth/berth.sock'), '/run/berth/berth.sock');
    assert.equal(socketPathOf('/x.sock'), '/x.sock');
    assert.throws(() => socketPathOf('tcp://0.0.0.0:2375'), (e: unknown) => isBerthError(e, 'FailedPrecondition'));
  });
});

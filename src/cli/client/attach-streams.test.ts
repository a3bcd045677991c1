import assert from 'node:assert/strict';
import type { Duplex } from 'node:stream';
import { PassThrough } from 'node:stream';
import { after, before, describe, test } from 'node:test';

import { ApiError } from '../errors.js';
import { ApiClient } from './api-client.js';
import { escapeWatcher, pumpStreams } from './attach-streams.js';
import { fakeDaemon, frame, type FakeDaemon } from './fake-daemon.test-util.js';

const text = (s: PassThrough) => {
  let t = '';
  s.on('data', (d: Buffer) => (t += d.toString()));
  return () => t;
};

describe('hijacked connections (attach, exec start) against a stand-in daemon', () => {
  let d: FakeDaemon;
  const received: string[] = [];
  before(async () => {
    d = await fakeDaemon(
      (_req, res) => {
        res.writeHead(404, { 'Content-Type': 'application/json' });
        res.end('{"message":"No such container: x"}');
      },
      (req, socket: Duplex) => {
        socket.write('HTTP/1.1 101 UPGRADED\r\nContent-Type: application/vnd.docker.raw-stream\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n');
        const tty = req.url?.includes('tty');
        socket.on('error', () => {}); // a client that detached is gone before the answer
        // What a container sees: its stdin, then EOF (the client half-closed); it answers and ends.
        let input = '';
        socket.on('data', (b: Buffer) => (input += b.toString()));
        socket.on('end', () => {
          received.push(input);
          if (tty) socket.end(`echo: ${input}`);
          else socket.end(Buffer.concat([frame(1, `out: ${input}`), frame(2, 'err!')]));
        });
        // some output before any input arrived, in the same packet as the 101 when it can be
        if (!tty) socket.write(frame(1, 'hello\n'));
      },
    );
  });
  after(() => d.close());

  test('stdin goes in and is half-closed at EOF; output is demultiplexed to stdout and stderr', async () => {
    const api = new ApiClient(d.socket);
    const conn = await api.hijack('POST', '/containers/x/attach', { query: { stream: true, stdin: true, stdout: true, stderr: true } });
    const req = d.requests.at(-1)!;
    assert.equal(req.url, '/v1.44/containers/x/attach?stream=1&stdin=1&stdout=1&stderr=1');
    assert.equal(req.headers['connection'], 'Upgrade');
    assert.equal(req.headers['upgrade'], 'tcp');
    const stdin = new PassThrough();
    const [stdout, stderr] = [new PassThrough(), new PassThrough()];
    const [out, err] = [text(stdout), text(stderr)];
    const done = pumpStreams({ conn, tty: false, stdin, stdout, stderr });
    stdin.end('some input');
    assert.deepEqual(await done, { detached: false });
    assert.equal(out(), 'hello\nout: some input');
    assert.equal(err(), 'err!');
    assert.equal(received.at(-1), 'some input');
  });

  test('with a TTY the bytes are copied as they are, and the detach keys end the session', async () => {
    const api = new ApiClient(d.socket);
    const plain = await api.hijack('POST', '/exec/tty/start', { json: { Detach: false, Tty: true } });
    const stdout = new PassThrough();
    const out = text(stdout);
    const stdin = new PassThrough();
    const session = pumpStreams({ conn: plain, tty: true, stdin, stdout, stderr: new PassThrough() });
    stdin.end('ls\r');
    await session;
    assert.equal(out(), 'echo: ls\r');
    const conn = await api.hijack('POST', '/exec/tty/start', { json: { Detach: false, Tty: true } });
    const keys = new PassThrough();
    const detaching = pumpStreams({ conn, tty: true, stdin: keys, stdout: new PassThrough(), stderr: new PassThrough() });
    keys.write(Buffer.from([0x61, 0x10]));
    keys.write(Buffer.from([0x11]));
    assert.deepEqual(await detaching, { detached: true });
  });

  test('a refused upgrade is an ApiError with the daemon\'s message', async () => {
    const fails = await fakeDaemon((_req, res) => {
      res.writeHead(409, { 'Content-Type': 'application/json' });
      res.end('{"message":"container x is not running"}');
    });
    try {
      await assert.rejects(new ApiClient(fails.socket).hijack('POST', '/containers/x/attach'), (e: unknown) => e instanceof ApiError && e.status === 409 && /not running/.test(e.message));
    } finally {
      await fails.close();
    }
  });
});

test('the detach sequence is held back until complete; a broken start passes through', () => {
  let detached = 0;
  const watch = escapeWatcher(Buffer.from([0x10, 0x11]), () => detached++);
  assert.deepEqual([...watch(Buffer.from([0x61, 0x10]))], [0x61]);
  assert.deepEqual([...watch(Buffer.from([0x62]))], [0x10, 0x62]);
  assert.deepEqual([...watch(Buffer.from([0x10, 0x10, 0x11]))], [0x10]);
  assert.equal(detached, 1);
});

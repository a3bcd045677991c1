/**
 * `berth run` as a process, against a stand-in daemon that records the
 * order of calls: docker's flow (create; attach and wait BEFORE start;
 * start; the streams; the exit code), the pull of a missing image, and
 * the exit codes 125/126/127 of docker's run.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { Duplex } from 'node:stream';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { repoRoot } from '../fixtures/paths.js';
import { runCommand } from '../runtime/harness.js';

const BERTH = path.join(repoRoot(), 'bin', 'berth');

function frame(stream: number, text: string): Buffer {
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(Buffer.byteLength(text), 4);
  return Buffer.concat([header, Buffer.from(text)]);
}

describe('berth run against a stand-in daemon', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'berth-test-run-flow-'));
  const socket = path.join(dir, 'd.sock');
  let calls: string[] = [];
  let pulled = false;
  let cmd: string[] = [];
  let attached: Duplex | undefined;
  const upgraded: Duplex[] = [];
  let input = '';
  let waiter: http.ServerResponse | undefined;
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const p = url.pathname.replace(/^\/v1\.44/, '');
      const json = (status: number, value: unknown) => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(value));
      };
      if (p === '/_ping') return void res.end('OK');
      calls.push(`${req.method} ${p}${url.search}`);
      if (p === '/containers/create') {
        const b = JSON.parse(body) as { Image: string; Cmd: string[] | null };
        cmd = b.Cmd ?? [];
        if (b.Image === 'missing' && !pulled) return json(404, { message: 'No such image: missing:latest' });
        return json(201, { Id: 'c1', Warnings: ['memory limit ignored'] });
      }
      if (p === '/images/create') {
        pulled = true;
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.write('{"status":"latest: Pulling from library/missing"}\n');
        return void res.end('{"status":"Pull complete","progressDetail":{},"id":"0123456789ab"}\n');
      }
      if (p === '/containers/c1/wait') {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.flushHeaders(); // the client starts the container once it knows the daemon is waiting
        waiter = res;
        return;
      }
      if (p === '/containers/c1/start') {
        if (cmd[0] === '/nonexistent') return json(400, { message: 'failed to create task: exec: "/nonexistent": executable file not found in $PATH' });
        if (cmd[0] === '/etc') return json(400, { message: 'exec: "/etc": permission denied' });
        res.writeHead(204).end();
        setTimeout(() => {
          attached?.end(Buffer.concat([frame(1, `out: ${input}`), frame(2, 'err\n')]));
          waiter?.end('{"StatusCode":3}\n');
        }, 100);
        return;
      }
      json(404, { message: 'page not found' });
    });
  });
  server.on('upgrade', (req, sock: Duplex) => {
    calls.push(`UPGRADE ${req.url?.replace(/^\/v1\.44/, '')}`);
    sock.write('HTTP/1.1 101 UPGRADED\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n');
    attached = sock;
    upgraded.push(sock);
    input = '';
    sock.on('data', (d: Buffer) => (input += d.toString()));
    sock.on('error', () => {});
  });
  const berth = (args: string[], stdin = '') => runCommand(BERTH, args, { env: { ...process.env, BERTH_HOST: `unix://${socket}` }, input: stdin, timeoutMs: 20_000 });

  before(async () => {
    await new Promise<void>((resolve) => server.listen(socket, resolve));
  });
  after(async () => {
    // Hijacked connections are no longer the HTTP server's to close.
    for (const s of upgraded) s.destroy();
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  });

  test('attach and wait come before start; stdin goes in, output comes out apart; the exit code is the container\'s', async () => {
    calls = [];
    const r = await berth(['run', '-i', '-m', '64m', 'busybox', 'cat'], 'some input');
    assert.deepEqual(calls, [
      'POST /containers/create',
      'UPGRADE /containers/c1/attach?stream=1&stdin=1&stdout=1&stderr=1',
      'POST /containers/c1/wait?condition=next-exit',
      'POST /containers/c1/start',
    ]);
    assert.equal(r.code, 3, r.stderr);
    assert.equal(r.stdout, 'out: some input');
    assert.equal(r.stderr, 'WARNING: memory limit ignored\nerr\n');
  });

  test('a missing image: "Unable to find image", a pull (progress on stderr), create again; --rm waits for removal', async () => {
    calls = [];
    const r = await berth(['run', '--rm', '--name', 'x', 'missing']);
    assert.equal(r.code, 3, r.stderr);
    assert.deepEqual(calls.slice(0, 3), ['POST /containers/create?name=x', 'POST /images/create?fromImage=docker.io%2Flibrary%2Fmissing&tag=latest', 'POST /containers/create?name=x']);
    assert.ok(calls.includes('POST /containers/c1/wait?condition=removed'), calls.join('\n'));
    assert.match(r.stderr, /^Unable to find image 'missing:latest' locally\nlatest: Pulling from library\/missing\n0123456789ab: Pull complete\n/);
    assert.doesNotMatch(r.stdout, /Pulling/);
  });

  test('-d prints the id and neither attaches nor waits', async () => {
    calls = [];
    const r = await berth(['run', '-d', 'busybox']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'c1\n');
    assert.deepEqual(calls, ['POST /containers/create', 'POST /containers/c1/start']);
  });

  test('docker\'s exit codes: 127 not found, 126 cannot invoke, 125 engine or command line, 1 no TTY', async () => {
    const notFound = await berth(['run', 'busybox', '/nonexistent']);
    assert.equal(notFound.code, 127);
    assert.equal(notFound.stderr, 'WARNING: memory limit ignored\nberth: Error response from daemon: failed to create task: exec: "/nonexistent": executable file not found in $PATH\n\nRun \'berth run --help\' for more information\n');
    assert.equal((await berth(['run', 'busybox', '/etc'])).code, 126);
    const badFlag = await berth(['run', '--memory', 'lots', 'busybox']);
    assert.equal(badFlag.code, 125);
    assert.match(badFlag.stderr, /^invalid argument "lots" for "-m, --memory" flag: invalid size: 'lots'\n\nUsage: {2}berth run \[OPTIONS\] IMAGE \[COMMAND\] \[ARG\.\.\.\]/);
    const noTty = await berth(['run', '-it', 'busybox']);
    assert.equal(noTty.code, 1);
    assert.equal(noTty.stderr, 'the input device is not a TTY\n');
    const unreachable = await runCommand(BERTH, ['run', 'busybox'], { env: { ...process.env, BERTH_HOST: `unix://${dir}/none.sock` } });
    assert.equal(unreachable.code, 125);
    assert.match(unreachable.stderr, /^berth: Cannot connect to the berth daemon/);
  });
});

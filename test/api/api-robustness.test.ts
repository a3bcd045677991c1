/**
 * Requests nobody should send, and a hundred containers at once: every bad
 * request gets a 4xx with a plain message, the daemon stays up and
 * consistent, and 100 containers created, started and removed concurrently
 * leave no cgroup, mount, shim or state directory behind.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { busyboxTarball } from '../fixtures/busybox-image.js';
import { assertNoLeaks, snapshotHost, type HostSnapshot } from '../fixtures/host-leaks.js';
import { runCommand } from '../runtime/harness.js';
import { startDaemon, type DaemonProcess } from './daemon-process.js';
import { request } from './raw-http.js';

const root = process.getuid?.() === 0;
const DOCKER = '/usr/local/bin/docker';
const IMAGE = 'berth-test/busybox:1';

describe('berthd under bad requests and load', { skip: (!root && 'needs root') || (!existsSync(DOCKER) && `needs ${DOCKER}`) }, () => {
  let host: HostSnapshot;
  let dir: string;
  let daemon: DaemonProcess;

  const api = (method: string, p: string, body?: unknown, headers: Record<string, string | number> = {}) =>
    request(daemon.socket, {
      method,
      path: p,
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body), headers: { 'Content-Type': 'application/json', ...headers } }),
    });
  const expectError = async (status: number, pattern: RegExp, method: string, p: string, body?: unknown) => {
    const r = await api(method, p, body);
    assert.equal(r.status, status, `${method} ${p}: ${r.status} ${r.body}`);
    const message = (JSON.parse(r.body) as { message: string }).message;
    assert.match(message, pattern);
    assert.ok(!message.includes('\n    at '), `no stack trace: ${message}`);
    assert.equal((await api('GET', '/_ping')).status, 200, 'the daemon still answers');
  };

  before(async () => {
    host = await snapshotHost();
    dir = await mkdtemp(path.join(tmpdir(), 'berth-test-robust-'));
    daemon = await startDaemon(dir);
    const env = { ...process.env, DOCKER_HOST: daemon.host, DOCKER_CONFIG: path.join(dir, 'cli-docker') };
    const r = await runCommand(DOCKER, ['import', '--change', 'CMD ["sh"]', await busyboxTarball(dir), IMAGE], { env });
    assert.equal(r.code, 0, r.stderr);
  });

  after(async () => {
    if (daemon) assert.equal(await daemon.stop(), 0);
    if (dir) await rm(dir, { recursive: true, force: true });
    await assertNoLeaks(host);
  });

  test('malformed requests get a 4xx and a plain message', async () => {
    await expectError(400, /invalid JSON/, 'POST', '/containers/create', '{"Image": ');
    await expectError(400, /Memory/, 'POST', '/containers/create', { Image: IMAGE, HostConfig: { Memory: 'lots' } });
    await expectError(400, /Cmd/, 'POST', '/containers/create', { Image: IMAGE, Cmd: 5 });
    await expectError(400, /Invalid container name/, 'POST', '/containers/create?name=bad%20name!', { Image: IMAGE });
    await expectError(400, /too large/, 'POST', '/containers/create', JSON.stringify({ Image: IMAGE, Env: ['X='.padEnd(3 * 1024 * 1024, 'x')] }));
    await expectError(404, /No such image/, 'POST', '/containers/create', { Image: 'berth-test/nothing:here' });
    await expectError(404, /No such container: nope/, 'POST', '/containers/nope/start');
    await expectError(404, /No such container/, 'GET', '/containers/nope/json');
    await expectError(404, /No such exec instance/, 'GET', '/exec/123/json');
    await expectError(400, /invalid condition/, 'POST', '/containers/x/wait?condition=soon');
    await expectError(400, /invalid filter/, 'GET', `/containers/json?filters=${encodeURIComponent('{"colour":["red"]}')}`);

    const created = await api('POST', '/containers/create?name=keep', { Image: IMAGE, Cmd: ['sleep', '1000'] });
    assert.equal(created.status, 201, created.body);
    await expectError(409, /already in use/, 'POST', '/containers/create?name=keep', { Image: IMAGE });
    assert.equal((await api('POST', '/containers/keep/start')).status, 204);
    assert.equal((await api('POST', '/containers/keep/start')).status, 304);
    await expectError(409, /stop the container before removing or force remove/, 'DELETE', '/containers/keep');
    await expectError(409, /is not paused/, 'POST', '/containers/keep/unpause');
    await expectError(400, /exec command/i, 'POST', '/containers/keep/exec', { Cmd: [] });
    assert.equal((await api('DELETE', '/containers/keep?force=1')).status, 204);
    const list = JSON.parse((await api('GET', '/containers/json?all=1')).body) as unknown[];
    assert.equal(list.length, 0);
  });

  test('100 containers created, started and removed concurrently leave nothing behind', { timeout: 600_000 }, async () => {
    const ids = await Promise.all(
      Array.from({ length: 100 }, async (_, i) => {
        const r = await api('POST', `/containers/create?name=load-${i}`, { Image: IMAGE, Cmd: ['sh', '-c', `echo ${i}; sleep 1000`] });
        assert.equal(r.status, 201, r.body);
        const id = (JSON.parse(r.body) as { Id: string }).Id;
        const s = await api('POST', `/containers/${id}/start`);
        assert.equal(s.status, 204, s.body);
        return id;
      }),
    );
    const running = JSON.parse((await api('GET', '/containers/json')).body) as { State: string }[];
    assert.equal(running.filter((c) => c.State === 'running').length, 100);
    await Promise.all(ids.map(async (id) => assert.equal((await api('DELETE', `/containers/${id}?force=1`)).status, 204)));
    assert.deepEqual(await readdir(path.join(daemon.root, 'containers')), []);
    assert.deepEqual(await readdir(path.join(daemon.execRoot, 'c')).catch(() => []), []);
  });
});

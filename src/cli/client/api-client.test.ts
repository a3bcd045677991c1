import assert from 'node:assert/strict';
import { Readable } from 'node:stream';
import { after, before, describe, test } from 'node:test';

import { ApiError, DaemonUnreachable } from '../errors.js';
import { ApiClient, filtersParam, versioned } from './api-client.js';
import { fakeDaemon, type FakeDaemon } from './fake-daemon.test-util.js';

test('paths get the version prefix; booleans, lists and filters are encoded as docker encodes them', () => {
  assert.equal(versioned('/_ping'), '/v1.44/_ping');
  assert.equal(versioned('/containers/json', { all: true, size: false, limit: 3, skip: undefined }), '/v1.44/containers/json?all=1&size=0&limit=3');
  assert.equal(versioned('/images/get', { names: ['a:1', 'h:5000/b'] }), '/v1.44/images/get?names=a%3A1&names=h%3A5000%2Fb');
  assert.equal(filtersParam([]), undefined);
  assert.equal(filtersParam(['status=exited', 'status=created', 'label=a=b', 'dangling']), '{"status":{"exited":true,"created":true},"label":{"a=b":true},"dangling":{"":true}}');
});

describe('ApiClient against a stand-in daemon', () => {
  let d: FakeDaemon;
  before(async () => {
    d = await fakeDaemon((req, res) => {
      if (req.url.endsWith('/_ping')) return void res.end('OK');
      if (req.url.startsWith('/v1.44/containers/nope')) {
        res.writeHead(404, { 'Content-Type': 'application/json' });
        return void res.end('{"message":"No such container: nope"}\n');
      }
      if (req.url.startsWith('/v1.44/plain-error')) {
        res.writeHead(500);
        return void res.end('something broke\n');
      }
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ method: req.method, url: req.url, body: req.body, type: req.headers['content-type'] ?? null }));
    });
  });
  after(() => d.close());

  test('JSON in, JSON out; raw bodies streamed', async () => {
    const api = new ApiClient(d.socket);
    assert.deepEqual(await api.json('POST', '/containers/create', { query: { name: 'web' }, json: { Image: 'busybox' } }), {
      method: 'POST', url: '/v1.44/containers/create?name=web', body: '{"Image":"busybox"}', type: 'application/json',
    });
    const echoed = await api.json<{ body: string }>('POST', '/images/load', { body: Readable.from([Buffer.from('tar'), Buffer.from('ball')]) });
    assert.equal(echoed.body, 'tarball');
  });

  test('an error status becomes an ApiError with the daemon\'s message (or its text)', async () => {
    const api = new ApiClient(d.socket);
    await assert.rejects(api.call('POST', '/containers/nope/start'), (e: unknown) => e instanceof ApiError && e.status === 404 && e.message === 'No such container: nope');
    await assert.rejects(api.json('GET', '/plain-error'), (e: unknown) => e instanceof ApiError && e.status === 500 && e.message === 'something broke');
  });

  test('nothing listening: DaemonUnreachable, and ping says false; prepare runs once before the first request', async () => {
    const missing = new ApiClient(`${d.socket}.missing`);
    await assert.rejects(missing.json('GET', '/info'), (e: unknown) => e instanceof DaemonUnreachable && /Cannot connect to the berth daemon at unix:\/\/.*\.missing\. Is the berth daemon running\?/.test(e.message));
    assert.equal(await missing.ping(), false);
    assert.equal(await new ApiClient(d.socket).ping(), true);
    let prepared = 0;
    const api = new ApiClient(d.socket, async () => void prepared++);
    await api.json('GET', '/a');
    await api.json('GET', '/b');
    assert.equal(prepared, 1);
  });
});

import assert from 'node:assert/strict';
import type { IncomingMessage } from 'node:http';
import { Readable } from 'node:stream';
import { describe, test } from 'node:test';

import { isBerthError } from '../errors.js';
import { parseRequest } from './parse-request.js';

function req(method: string, url: string, options: { headers?: Record<string, string>; body?: string } = {}): IncomingMessage {
  const stream = Readable.from(options.body === undefined ? [] : [Buffer.from(options.body)]);
  return Object.assign(stream, { method, url, headers: options.headers ?? {} }) as unknown as IncomingMessage;
}

const b64 = (o: object, alphabet: 'base64' | 'base64url' = 'base64url') => Buffer.from(JSON.stringify(o)).toString(alphabet);

async function refused(p: Promise<unknown>, category: string, message: RegExp): Promise<void> {
  await assert.rejects(p, (e: unknown) => {
    assert.ok(isBerthError(e), String(e));
    assert.equal(e.category, category);
    assert.match(e.message, message);
    return true;
  });
}

describe('parseRequest', () => {
  test('ping, version and info, with or without a version prefix in 1.24–1.44', async () => {
    assert.deepEqual(await parseRequest(req('HEAD', '/_ping')), { kind: 'ping', head: true });
    assert.deepEqual(await parseRequest(req('GET', '/v1.41/_ping')), { kind: 'ping', head: false });
    assert.deepEqual(await parseRequest(req('GET', '/v1.44/version')), { kind: 'version' });
    assert.deepEqual(await parseRequest(req('GET', '/v1.24/info')), { kind: 'info' });
    await refused(parseRequest(req('GET', '/v1.45/info')), 'InvalidArgument', /too new/);
    await refused(parseRequest(req('GET', '/v1.12/info')), 'InvalidArgument', /too old/);
  });

  test('unknown routes and methods are "page not found"', async () => {
    await refused(parseRequest(req('GET', '/containers/x/unknown')), 'NotFound', /^page not found$/);
    await refused(parseRequest(req('PATCH', '/containers/x')), 'NotFound', /^page not found$/);
    await refused(parseRequest(req('PUT', '/images/json')), 'NotFound', /^page not found$/);
    await refused(parseRequest(req('GET', '//images')), 'NotFound', /^page not found$/);
    await refused(parseRequest(req('GET', '/images/app/unknown')), 'NotFound', /^page not found$/);
  });

  test('container routes become typed actions', async () => {
    assert.deepEqual(await parseRequest(req('GET', '/v1.44/containers/json?all=1&limit=3')), { kind: 'containerList', all: true, limit: 3, size: false, filters: new Map() });
    assert.deepEqual(await parseRequest(req('POST', '/containers/web/stop?t=5')), { kind: 'containerStop', id: 'web', timeoutSec: 5 });
    assert.deepEqual(await parseRequest(req('POST', '/containers/web/wait?condition=next-exit')), { kind: 'containerWait', id: 'web', condition: 'next-exit' });
    assert.deepEqual(await parseRequest(req('DELETE', '/containers/web?force=1&v=1')), { kind: 'containerRemove', id: 'web', force: true, volumes: true });
    await refused(parseRequest(req('POST', '/containers/web/wait?condition=soon')), 'InvalidArgument', /invalid condition/);
    await refused(parseRequest(req('GET', '/containers/web/logs')), 'InvalidArgument', /choose at least one stream/);
  });

  test('image names keep their slashes and colons, raw or URL-encoded', async () => {
    const name = '127.0.0.1:5000/ns/app:1.0';
    assert.deepEqual(await parseRequest(req('GET', `/v1.44/images/${name}/json`)), { kind: 'imageInspect', name });
    assert.deepEqual(await parseRequest(req('GET', `/images/${encodeURIComponent(name)}/history`)), { kind: 'imageHistory', name });
    assert.deepEqual(await parseRequest(req('DELETE', `/images/${name}?force=1`)), { kind: 'imageRemove', name, force: true });
    assert.deepEqual(await parseRequest(req('DELETE', `/images/${name}?force=false`)), { kind: 'imageRemove', name, force: false });
    assert.deepEqual(await parseRequest(req('GET', `/images/${name}/get`)), { kind: 'imageSave', names: [name], format: 'docker' });
    await refused(parseRequest(req('GET', '/images/%E0%A4%A/json')), 'InvalidArgument', /bad URL encoding/);
  });

  test('tag, push and pull assemble references as dockerd does', async () => {
    assert.deepEqual(await parseRequest(req('POST', '/images/app/tag?repo=h:5000/x&tag=2')), { kind: 'imageTag', name: 'app', target: 'h:5000/x:2' });
    await refused(parseRequest(req('POST', '/images/app/tag')), 'InvalidArgument', /repo=/);
    assert.deepEqual(await parseRequest(req('POST', '/images/h:5000/x/push?tag=2')), { kind: 'imagePush', reference: 'h:5000/x:2' });
    const digest = `sha256:${'a'.repeat(64)}`;
    assert.deepEqual(await parseRequest(req('POST', `/images/create?fromImage=h:5000/x&tag=${digest}`)), { kind: 'imagePull', reference: `h:5000/x@${digest}` });
    const pull = await parseRequest(req('POST', '/images/create?fromImage=busybox&tag=1.36&platform=linux/arm64'));
    assert.equal(pull.kind === 'imagePull' && pull.reference, 'busybox:1.36');
    assert.equal(pull.kind === 'imagePull' && pull.platform?.architecture, 'arm64');
    await refused(parseRequest(req('POST', '/images/create')), 'InvalidArgument', /fromImage/);
    await refused(parseRequest(req('POST', '/images/create?fromSrc=http://x/y.tar')), 'InvalidArgument', /URL/);
  });

  test('X-Registry-Auth: either base64 alphabet, the "auth" form, and nothing for empty or unreadable headers', async () => {
    const creds = { username: 'u', password: 'p?>~' };
    for (const header of [b64({ ...creds, serveraddress: 'h' }), b64(creds, 'base64'), b64({ auth: Buffer.from('u:p?>~').toString('base64') })]) {
      const a = await parseRequest(req('POST', '/images/create?fromImage=x', { headers: { 'x-registry-auth': header } }));
      assert.deepEqual(a.kind === 'imagePull' && a.credentials, creds, header);
    }
    for (const header of ['', b64({}), 'not base64 json!']) {
      const a = await parseRequest(req('POST', '/images/x/push', { headers: { 'x-registry-auth': header } }));
      assert.deepEqual(a, { kind: 'imagePush', reference: 'x' });
    }
  });

  test('filters in both encodings; prune -a is dangling=false', async () => {
    const list = await parseRequest(req('GET', `/images/json?filters=${encodeURIComponent('{"reference":{"app":true},"dangling":["true"]}')}`));
    assert.ok(list.kind === 'imageList');
    assert.deepEqual([...list.filters], [['reference', ['app']], ['dangling', ['true']]]);
    await refused(parseRequest(req('GET', '/images/json?filters=%7B')), 'InvalidArgument', /not JSON/);
    await refused(parseRequest(req('GET', '/images/json?filters=%5B%5D')), 'InvalidArgument', /want an object/);
    const all = encodeURIComponent('{"dangling":{"false":true}}');
    assert.deepEqual(await parseRequest(req('POST', `/images/prune?filters=${all}`)), { kind: 'imagePrune', all: true });
    assert.deepEqual(await parseRequest(req('POST', '/images/prune')), { kind: 'imagePrune', all: false });
  });

  test('POST /auth: a JSON object of strings, within 1 MiB', async () => {
    const ok = await parseRequest(req('POST', '/auth', { body: '{"username":"u","password":"p","serveraddress":"h:5000"}' }));
    assert.deepEqual(ok, { kind: 'auth', serverAddress: 'h:5000', credentials: { username: 'u', password: 'p' } });
    await refused(parseRequest(req('POST', '/auth', { body: '{' })), 'InvalidArgument', /invalid JSON/);
    await refused(parseRequest(req('POST', '/auth', { body: '[1]' })), 'InvalidArgument', /JSON object/);
    await refused(parseRequest(req('POST', '/auth', { body: '{"username":1}' })), 'InvalidArgument', /must be a string/);
    await refused(parseRequest(req('POST', '/auth', { body: '' })), 'InvalidArgument', /JSON object/);
    await refused(parseRequest(req('POST', '/auth', { body: ' '.repeat(1024 * 1024 + 1) })), 'InvalidArgument', /too large/);
    await refused(
      parseRequest(req('POST', '/auth', { headers: { 'content-length': String(5 * 1024 * 1024) }, body: '{}' })),
      'InvalidArgument',
      /too large/,
    );
  });
});

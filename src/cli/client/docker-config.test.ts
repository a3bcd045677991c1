import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';

import { credentialKey, DOCKER_HUB_KEY, readCredentials, registryAuthHeader, removeCredentials, storeCredentials } from './docker-config.js';

const dir = mkdtempSync(path.join(tmpdir(), 'berth-test-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

test('keys: Docker Hub under its legacy URL, others as host[:port]', () => {
  assert.equal(credentialKey('docker.io'), DOCKER_HUB_KEY);
  assert.equal(credentialKey('https://index.docker.io/v1/'), DOCKER_HUB_KEY);
  assert.equal(credentialKey('https://H:5000/v2/'), 'h:5000');
});

test('stored as docker stores them, other fields kept, mode 0600; read back under any spelling; removed', async () => {
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ auths: { 'h:5000': { username: 'old', password: 'x', email: 'e' } }, detachKeys: 'ctrl-x' }));
  await storeCredentials('https://h:5000', { username: 'u', password: 'p:w' }, dir);
  const file = path.join(dir, 'config.json');
  const config = JSON.parse(readFileSync(file, 'utf8')) as { auths: Record<string, Record<string, string>>; detachKeys: string };
  assert.deepEqual(config.auths['h:5000'], { email: 'e', auth: Buffer.from('u:p:w').toString('base64') });
  assert.equal(config.detachKeys, 'ctrl-x');
  assert.equal(statSync(file).mode & 0o777, 0o600);
  assert.deepEqual(await readCredentials('h:5000', dir), { username: 'u', password: 'p:w' });
  assert.equal(await readCredentials('other:1', dir), undefined);
  assert.equal(await removeCredentials('h:5000', dir), true);
  assert.equal(await removeCredentials('h:5000', dir), false);
  assert.equal(await readCredentials('h:5000', dir), undefined);
});

test('X-Registry-Auth is base64url JSON; "{}" when anonymous', () => {
  assert.deepEqual(JSON.parse(Buffer.from(registryAuthHeader({ username: 'u', password: 'p?>' }, 'h:5000'), 'base64url').toString()), { username: 'u', password: 'p?>', serveraddress: 'h:5000' });
  assert.equal(Buffer.from(registryAuthHeader(undefined, 'x'), 'base64url').toString(), '{}');
});

import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { isBerthError } from '../../errors.js';
import {
  dockerConfigPath,
  readDockerCredentials,
  removeDockerCredentials,
  storeDockerCredentials,
} from './docker-config.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');

describe('docker config.json credentials', () => {
  let dir = '';
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'berth-test-dockercfg-'));
  });
  after(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('finds config.json via the option, DOCKER_CONFIG, then ~/.docker', () => {
    assert.equal(dockerConfigPath({ configDir: '/x' }), '/x/config.json');
    assert.equal(dockerConfigPath({ env: { DOCKER_CONFIG: '/y' } }), '/y/config.json');
    assert.match(dockerConfigPath({ env: {} }), /\/\.docker\/config\.json$/);
  });

  it('reads docker-written entries, keyed with or without scheme', async () => {
    const configDir = join(dir, 'read');
    await storeDockerCredentials('127.0.0.1:1', { username: 'seed', password: 'x' }, { configDir });
    await writeFile(
      join(configDir, 'config.json'),
      JSON.stringify({
        auths: {
          'https://index.docker.io/v1/': { auth: b64('hubuser:hub:pass') },
          'http://reg.example.com:5000/v2/': { auth: b64('alice:secret') },
          'plain.example.com': { username: 'bob', password: 'pw' },
          'empty.example.com': {},
        },
        credsStore: 'desktop',
      }),
    );
    const opts = { configDir };
    assert.deepEqual(await readDockerCredentials('docker.io', opts), { username: 'hubuser', password: 'hub:pass' });
    assert.deepEqual(await readDockerCredentials('reg.example.com:5000', opts), { username: 'alice', password: 'secret' });
    assert.deepEqual(await readDockerCredentials('plain.example.com', opts), { username: 'bob', password: 'pw' });
    assert.equal(await readDockerCredentials('empty.example.com', opts), undefined);
    assert.equal(await readDockerCredentials('reg.example.com', opts), undefined);
    assert.equal(await readDockerCredentials('x.example.com', { configDir: join(dir, 'missing') }), undefined);
  });

  it('writes like docker login, keeping other fields, mode 0600; logout removes every spelling', async () => {
    const configDir = join(dir, 'write');
    const path = join(configDir, 'config.json');
    await storeDockerCredentials('127.0.0.1:1', { username: 'seed', password: 'x' }, { configDir });
    await writeFile(
      path,
      JSON.stringify({ auths: { 'http://127.0.0.1:5000': { auth: b64('old:old') } }, psFormat: 'table {{.ID}}' }),
    );
    await storeDockerCredentials('127.0.0.1:5000', { username: 'u', password: 'p:w' }, { configDir });
    await storeDockerCredentials('docker.io', { username: 'h', password: 'q' }, { configDir });
    const written = JSON.parse(await readFile(path, 'utf8')) as { auths: Record<string, { auth: string }>; psFormat: string };
    assert.equal(written.psFormat, 'table {{.ID}}');
    assert.equal(written.auths['127.0.0.1:5000']?.auth, b64('u:p:w'));
    assert.equal(written.auths['https://index.docker.io/v1/']?.auth, b64('h:q'));
    assert.equal((await stat(path)).mode & 0o777, 0o600);
    assert.deepEqual(await readDockerCredentials('127.0.0.1:5000', { configDir }), { username: 'u', password: 'p:w' });

    assert.equal(await removeDockerCredentials('127.0.0.1:5000', { configDir }), true);
    assert.equal(await removeDockerCredentials('127.0.0.1:5000', { configDir }), false);
    const after = JSON.parse(await readFile(path, 'utf8')) as { auths: Record<string, unknown> };
    assert.deepEqual(Object.keys(after.auths), ['https://index.docker.io/v1/']);
  });

  it('says which file is broken', async () => {
    const configDir = join(dir, 'broken');
    await storeDockerCredentials('127.0.0.1:1', { username: 'seed', password: 'x' }, { configDir });
    await writeFile(join(configDir, 'config.json'), '{ not json');
    await assert.rejects(readDockerCredentials('x.example.com', { configDir }), (e) => {
      return isBerthError(e, 'FailedPrecondition') && e.message.startsWith(`docker config ${join(configDir, 'config.json')}: invalid json`);
    });
  });
});

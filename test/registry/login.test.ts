/**
 * login/logout against docker-registry: credentials are checked by the
 * registry before they are written to a docker config.json, and a client
 * reading that file can then pull. The config lives in a temp directory
 * (configDir), never in the user's ~/.docker.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';

import { isBerthError } from '../../src/errors.js';
import { RegistryClient, dockerConfigCredentials, login, logout } from '../../src/image/registry/index.js';
import { TEST_USER, startRegistry, type TestRegistry } from '../fixtures/registry/registry.js';

for (const mode of ['htpasswd', 'token'] as const) {
  describe(`login and logout, docker-registry with auth "${mode}"`, () => {
    let reg: TestRegistry | undefined;
    let configDir = '';
    const host = () => reg?.host ?? '';
    before(async () => {
      configDir = await mkdtemp(join(tmpdir(), 'berth-test-login-'));
      reg = await startRegistry({ auth: mode });
    });
    after(async () => {
      await reg?.stop();
      await rm(configDir, { recursive: true, force: true });
    });

    it('refuses a wrong password and stores nothing', async () => {
      await assert.rejects(login(host(), TEST_USER.username, 'wrong', { configDir }), (e) => {
        assert.ok(isBerthError(e, 'FailedPrecondition'));
        assert.match(e.message, new RegExp(`^registry ${host()}: unauthorized: `));
        return true;
      });
      await assert.rejects(readFile(join(configDir, 'config.json')), { code: 'ENOENT' });
    });

    it('stores verified credentials the way docker does, and a client can use them', async () => {
      const result = await login(host(), TEST_USER.username, TEST_USER.password, { configDir });
      assert.deepEqual(result, { auth: mode === 'token' ? 'bearer' : 'basic' });
      const config = JSON.parse(await readFile(join(configDir, 'config.json'), 'utf8')) as {
        auths: Record<string, { auth: string }>;
      };
      assert.deepEqual(config.auths, {
        [host()]: { auth: Buffer.from(`${TEST_USER.username}:${TEST_USER.password}`).toString('base64') },
      });
      const client = new RegistryClient(host(), { credentials: dockerConfigCredentials(host(), { configDir }) });
      try {
        // An empty registry: the repository is unknown, which proves we got past authentication.
        await assert.rejects(client.listTags('berth/nothing'), (e) => isBerthError(e, 'NotFound'));
      } finally {
        client.close();
      }
    });

    it('logs out', async () => {
      assert.equal(await logout(host(), { configDir }), true);
      assert.equal(await logout(host(), { configDir }), false);
      const config = JSON.parse(await readFile(join(configDir, 'config.json'), 'utf8')) as { auths: object };
      assert.deepEqual(config.auths, {});
    });
  });
}

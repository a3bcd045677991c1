import assert from 'node:assert/strict';
import { test, type TestContext } from 'node:test';

import { isBerthError } from '../../../errors.js';
import { GoMode } from './go-file-mode.js';
import { encodePathStatHeader, rfc3339Nano, statPath } from './path-stat.js';
import { buildContainerRoot, withTestHost } from './test-root.js';

const needsRoot = (t: TestContext): boolean => {
  if (process.getuid?.() === 0) return false;
  t.skip('needs root (the fixture has owners)');
  return true;
};

test('statPath describes files, directories and symlinks as dockerd does', async (t) => {
  if (needsRoot(t)) return;
  await withTestHost(async ({ root }) => {
    buildContainerRoot(root);
    assert.deepEqual(await statPath(root, '/etc/hostname'), {
      name: 'hostname',
      size: 4,
      mode: 0o644,
      mtime: '2020-09-13T12:26:41Z',
      linkTarget: '',
    });
    const dir = await statPath(root, 'data');
    assert.equal(dir.name, 'data');
    assert.equal(dir.mode, GoMode.dir + 0o750);
    assert.equal((await statPath(root, '/data/sub/b.sh')).mode, GoMode.setuid + 0o755);
    assert.equal((await statPath(root, '/data/pipe')).mode, GoMode.namedPipe + 0o600);

    const link = await statPath(root, '/link-abs');
    assert.equal(link.mode, GoMode.symlink + 0o777);
    assert.equal(link.linkTarget, '/etc');
    assert.equal(link.size, 4);
    // A trailing slash follows the link: the directory, named as asked.
    const followed = await statPath(root, '/link-abs/');
    assert.equal(followed.name, 'link-abs');
    assert.ok(followed.mode >= GoMode.dir); // (2 ** 31: beyond JavaScript's 32-bit signed &)
    assert.equal((await statPath(root, '/data/link-rel')).linkTarget, '/data/a.txt');
    // Links that climb or jump to "/" end at the container's root, not the host's.
    assert.equal((await statPath(root, '/escape')).linkTarget, '/');
    assert.equal((await statPath(root, '/rootlink')).linkTarget, '/');
    assert.equal((await statPath(root, '/escape/etc/hostname')).name, 'hostname');
    assert.equal((await statPath(root, '/')).name, '/');
    assert.equal((await statPath(root, '/data/.')).name, '.');
  });
});

test('statPath: a missing path is NotFound in Docker’s words', async (t) => {
  if (needsRoot(t)) return;
  await withTestHost(async ({ root }) => {
    buildContainerRoot(root);
    for (const p of ['/nope', '/etc/hostname/', '/etc/hostname/x', '/escape/host-secret']) {
      await assert.rejects(statPath(root, p, { container: 'web' }), (e: unknown) => {
        assert.ok(isBerthError(e, 'NotFound'));
        assert.equal(e.message, `Could not find the file ${p} in container web`);
        return true;
      });
    }
  });
});

test('the stat header is base64 JSON with dockerd’s field names and order', () => {
  const header = encodePathStatHeader({ name: 'd', size: 4096, mode: GoMode.dir + 0o755, mtime: '2020-09-13T12:26:40.5Z', linkTarget: '' });
  const text = Buffer.from(header, 'base64').toString('utf8');
  assert.equal(text, '{"name":"d","size":4096,"mode":2147484141,"mtime":"2020-09-13T12:26:40.5Z","linkTarget":""}');
});

test('mtimes are RFC 3339 with nanoseconds, trailing zeros dropped', () => {
  assert.equal(rfc3339Nano(1_600_000_000_000_000_000n), '2020-09-13T12:26:40Z');
  assert.equal(rfc3339Nano(1_600_000_000_123_456_789n), '2020-09-13T12:26:40.123456789Z');
  assert.equal(rfc3339Nano(1_600_000_000_100_000_000n), '2020-09-13T12:26:40.1Z');
  assert.equal(rfc3339Nano(-1n), '1969-12-31T23:59:59.999999999Z');
});

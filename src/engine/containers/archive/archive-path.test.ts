import assert from 'node:assert/strict';
import { readdirSync, truncateSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { test, type TestContext } from 'node:test';

import { isBerthError } from '../../../errors.js';
import { readTar } from '../../../image/unpack/tar-reader.js';
import { archivePath } from './archive-path.js';
import { buildContainerRoot, withTestHost } from './test-root.js';

const needsRoot = (t: TestContext): boolean => {
  if (process.getuid?.() === 0) return false;
  t.skip('needs root (the fixture has owners)');
  return true;
};

interface Seen {
  name: string;
  type: string;
  mode: number;
  uid: number;
  gid: number;
  mtime: number;
  linkname: string;
  data: string;
}

async function entries(stream: Readable): Promise<Seen[]> {
  const out: Seen[] = [];
  for await (const e of readTar(stream)) {
    let data = '';
    for await (const c of e.body) data += (c as Buffer).toString('utf8');
    out.push({ name: e.name, type: e.type, mode: e.mode, uid: e.uid, gid: e.gid, mtime: e.mtime, linkname: e.linkname, data });
  }
  return out;
}

const names = async (root: string, p: string): Promise<string[]> => (await entries((await archivePath(root, p)).stream)).map((e) => e.name);

test('a file is one entry named by its base name, with its owner, mode and time', async (t) => {
  if (needsRoot(t)) return;
  await withTestHost(async ({ root }) => {
    buildContainerRoot(root);
    const { stat, stream } = await archivePath(root, '/data/a.txt');
    assert.equal(stat.name, 'a.txt');
    assert.deepEqual(await entries(stream), [
      { name: 'a.txt', type: 'file', mode: 0o640, uid: 1000, gid: 1001, mtime: 1_600_000_001, linkname: '', data: 'alpha\n' },
    ]);
  });
});

test('a directory comes with its content under its own name; "dir/." gives the content', async (t) => {
  if (needsRoot(t)) return;
  await withTestHost(async ({ root }) => {
    buildContainerRoot(root);
    const all = await entries((await archivePath(root, '/data')).stream);
    assert.deepEqual(
      all.map((e) => [e.name, e.type, e.linkname]),
      [
        ['data/', 'dir', ''],
        ['data/a.txt', 'file', ''],
        ['data/hard', 'hardlink', 'data/a.txt'],
        ['data/link-rel', 'symlink', 'a.txt'],
        ['data/pipe', 'fifo', ''],
        ['data/sub/', 'dir', ''],
        ['data/sub/b.sh', 'file', ''],
      ],
    );
    assert.deepEqual(all[0], { name: 'data/', type: 'dir', mode: 0o750, uid: 1000, gid: 1000, mtime: 1_600_000_001, linkname: '', data: '' });
    assert.equal(all.find((e) => e.name === 'data/sub/b.sh')?.mode, 0o4755);
    assert.deepEqual(await names(root, '/data/.'), ['./', './a.txt', './hard', './link-rel', './pipe', './sub/', './sub/b.sh']);
    assert.deepEqual(await names(root, 'data/sub/'), ['sub/', 'sub/b.sh']);
  });
});

test('symlinks are archived as links; a trailing "/" archives what the link points to', async (t) => {
  if (needsRoot(t)) return;
  await withTestHost(async ({ root }) => {
    buildContainerRoot(root);
    const link = await entries((await archivePath(root, '/link-abs')).stream);
    assert.deepEqual(link.map((e) => [e.name, e.type, e.linkname]), [['link-abs', 'symlink', '/etc']]);
    assert.deepEqual(await names(root, '/link-abs/'), ['link-abs/', 'link-abs/hostname']);
    assert.deepEqual(await names(root, '/data/link-rel'), ['link-rel']);
  });
});

test('links to "/" or climbing with ".." stay inside the container’s root', async (t) => {
  if (needsRoot(t)) return;
  await withTestHost(async ({ dir, root }) => {
    buildContainerRoot(root);
    assert.ok(readdirSync(dir).includes('host-secret'));
    for (const p of ['/escape/', '/rootlink/', '/escape/../..', '/data/../../..']) {
      const got = await names(root, p);
      assert.ok(!got.some((n) => n.includes('host-secret')), `${p}: ${got.join(' ')}`);
      assert.ok(got.some((n) => n.endsWith('etc/hostname')), `${p}: ${got.join(' ')}`);
    }
    await assert.rejects(archivePath(root, '/escape/host-secret', { container: 'c1' }), (e: unknown) => {
      assert.ok(isBerthError(e, 'NotFound'));
      assert.equal(e.message, 'Could not find the file /escape/host-secret in container c1');
      return true;
    });
  });
});

test('the root itself is archived with names starting with "/"', async (t) => {
  if (needsRoot(t)) return;
  await withTestHost(async ({ root }) => {
    buildContainerRoot(root);
    const got = await names(root, '/');
    assert.equal(got[0], '/');
    assert.ok(got.includes('/etc/hostname') && got.includes('/data/sub/b.sh') && got.includes('/escape'));
  });
});

test('a file that shrinks while archived is padded: the archive stays readable', async (t) => {
  if (needsRoot(t)) return;
  await withTestHost(async ({ root }) => {
    const big = path.join(root, 'big');
    writeFileSync(big, Buffer.alloc(1 << 20, 'x'));
    writeFileSync(path.join(root, 'z-after'), 'after');
    const { stream } = await archivePath(root, '/');
    // The header (1 MiB) is out before the body; the file loses half of it meanwhile.
    async function* shrinking(): AsyncGenerator<Buffer> {
      let seen = 0;
      for await (const chunk of stream) {
        const before = seen;
        seen += (chunk as Buffer).length;
        // Once part of the body went by, the header is certainly written.
        if (before < 100_000 && seen >= 100_000) truncateSync(big, 1 << 19);
        yield chunk as Buffer;
      }
    }
    const got = await entries(Readable.from(shrinking()));
    const file = got.find((e) => e.name === '/big');
    assert.equal(file?.data.length, 1 << 20);
    assert.ok(file.data.endsWith('\0'.repeat(1000)), 'padded with zeros');
    assert.equal(got.at(-1)?.data, 'after');
  });
});

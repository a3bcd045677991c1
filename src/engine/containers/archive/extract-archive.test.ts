import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, lstatSync, mkdirSync, readFileSync, readdirSync, readlinkSync, symlinkSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { test, type TestContext } from 'node:test';
import { gzipSync } from 'node:zlib';

import { isBerthError } from '../../../errors.js';
import { tarBuffer, type TestEntry } from '../../../image/unpack/test-tar.js';
import { archivePath } from './archive-path.js';
import { extractArchive } from './extract-archive.js';
import { buildContainerRoot, walkTree, withTestHost } from './test-root.js';

const needsRoot = (t: TestContext): boolean => {
  if (process.getuid?.() === 0) return false;
  t.skip('needs root (ownership)');
  return true;
};

async function* chunks(buf: Buffer): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < buf.length; i += 700) yield buf.subarray(i, i + 700);
}

const upload = (entries: TestEntry[]) => chunks(tarBuffer(entries));

const refused = (category: string, message: string | RegExp) => (e: unknown) => {
  assert.ok(isBerthError(e, category as never), String(e));
  if (typeof message === 'string') assert.equal(e.message, message);
  else assert.match(e.message, message);
  return true;
};

test('files, directories and symlinks land in the directory, owned by root by default', async (t) => {
  if (needsRoot(t)) return;
  await withTestHost(async ({ root }) => {
    mkdirSync(path.join(root, 'dst'));
    await extractArchive(
      root,
      '/dst',
      upload([
        { name: 'dir/', type: 'dir', mode: 0o750, uid: 1000, gid: 1000, mtime: 1000 },
        { name: 'dir/f', data: 'hello', mode: 0o4711, uid: 1000, gid: 1000, mtime: 2000 },
        { name: 'dir/l', type: 'symlink', linkname: 'f', uid: 1000, gid: 1000 },
        { name: 'implied/deep/g', data: 'g', mode: 0o600 },
      ]),
    );
    const tree = walkTree(path.join(root, 'dst'));
    assert.deepEqual(tree['dir'], { type: 'dir', mode: 0o750, uid: 0, gid: 0, mtime: 1000 });
    assert.deepEqual(tree['dir/f'], { type: 'file', mode: 0o4711, uid: 0, gid: 0, mtime: 2000, content: 'hello' });
    assert.equal(tree['dir/l']?.link, 'f');
    assert.deepEqual(tree['implied'], { ...tree['implied'], type: 'dir', mode: 0o755, uid: 0, gid: 0 });
    assert.equal(tree['implied/deep/g']?.content, 'g');
  });
});

test('copyUIDGID keeps the tar’s owners; `owner` sets another default', async (t) => {
  if (needsRoot(t)) return;
  await withTestHost(async ({ root }) => {
    const entries: TestEntry[] = [{ name: 'f', data: 'x', uid: 1234, gid: 5678 }, { name: 'd/', type: 'dir', uid: 42, gid: 43 }];
    await extractArchive(root, '/', upload(entries), { copyUIDGID: true });
    assert.deepEqual([lstatSync(path.join(root, 'f')).uid, lstatSync(path.join(root, 'f')).gid], [1234, 5678]);
    assert.deepEqual([lstatSync(path.join(root, 'd')).uid, lstatSync(path.join(root, 'd')).gid], [42, 43]);
    await extractArchive(root, '/', upload(entries), { owner: { uid: 7, gid: 8 } });
    assert.deepEqual([lstatSync(path.join(root, 'f')).uid, lstatSync(path.join(root, 'f')).gid], [7, 8]);
  });
});

test('entries that climb out of the directory are refused, and nothing is written outside', async (t) => {
  if (needsRoot(t)) return;
  await withTestHost(async ({ dir, root }) => {
    mkdirSync(path.join(root, 'dst'));
    const before = readdirSync(dir).sort();
    const attempts: TestEntry[][] = [
      [{ name: '../evil', data: 'x' }],
      [{ name: 'ok/../../evil', data: 'x' }],
      [{ name: '../../../evil', data: 'x' }],
      [{ name: 'h', type: 'hardlink', linkname: '../../host-secret' }],
      [{ name: 'l', type: 'symlink', linkname: '../../evil' }],
    ];
    for (const entries of attempts) {
      await assert.rejects(extractArchive(root, '/dst', upload(entries)), refused('InvalidArgument', /^archive entry /));
    }
    assert.deepEqual(readdirSync(dir).sort(), before);
    assert.deepEqual(readdirSync(path.join(root, 'dst')), []);
    assert.equal(readFileSync(path.join(dir, 'host-secret'), 'utf8'), 'host\n');
  });
});

test('symlinks in the container, or written by the archive, never lead out of the root', async (t) => {
  if (needsRoot(t)) return;
  await withTestHost(async ({ dir, root }) => {
    buildContainerRoot(root);
    const before = readdirSync(dir).sort();
    // Extracting "into" links that point at "/" or above it: the container's root.
    await extractArchive(root, '/escape', upload([{ name: 'a', data: '1' }]));
    await extractArchive(root, '/rootlink/', upload([{ name: 'b', data: '2' }]));
    // A link planted by the archive, then a file written through it.
    await extractArchive(
      root,
      '/data',
      upload([
        { name: 'jump', type: 'symlink', linkname: '/../../..' },
        { name: 'jump/c', data: '3' },
        { name: 'up', type: 'symlink', linkname: '/' },
        { name: 'up/etc/d', data: '4' },
      ]),
    );
    assert.deepEqual(readdirSync(dir).sort(), before);
    for (const [p, want] of [['a', '1'], ['b', '2'], ['c', '3'], ['etc/d', '4']]) {
      assert.equal(readFileSync(path.join(root, p as string), 'utf8'), want);
    }
    // A file entry over an existing symlink replaces the link, not its target.
    symlinkSync('/etc/hostname', path.join(root, 'data', 'over'));
    await extractArchive(root, '/data', upload([{ name: 'over', data: 'replaced' }]));
    assert.equal(readFileSync(path.join(root, 'etc', 'hostname'), 'utf8'), 'box\n');
    assert.equal(readFileSync(path.join(root, 'data', 'over'), 'utf8'), 'replaced');
  });
});

test('the destination must exist and be a directory; Docker’s errors', async (t) => {
  if (needsRoot(t)) return;
  await withTestHost(async ({ root }) => {
    buildContainerRoot(root);
    await assert.rejects(
      extractArchive(root, '/missing', upload([]), { container: 'web' }),
      refused('NotFound', 'Could not find the file /missing in container web'),
    );
    await assert.rejects(extractArchive(root, '/etc/hostname', upload([])), refused('InvalidArgument', 'extraction point is not a directory'));
    // A symlink to a directory is followed.
    await extractArchive(root, '/link-abs', upload([{ name: 'via-link', data: 'v' }]));
    assert.equal(readFileSync(path.join(root, 'etc', 'via-link'), 'utf8'), 'v');
    // An empty upload is an empty archive; a gzipped one is read too.
    await extractArchive(root, '/', chunks(Buffer.alloc(0)));
    await extractArchive(root, '/', chunks(gzipSync(tarBuffer([{ name: 'gz', data: 'z' }]))));
    assert.equal(readFileSync(path.join(root, 'gz'), 'utf8'), 'z');
  });
});

test('noOverwriteDirNonDir keeps directories and non-directories from replacing each other', async (t) => {
  if (needsRoot(t)) return;
  await withTestHost(async ({ root }) => {
    mkdirSync(path.join(root, 'd'));
    writeFileSync(path.join(root, 'f'), 'file');
    const opts = { noOverwriteDirNonDir: true };
    await assert.rejects(extractArchive(root, '/', upload([{ name: 'd', data: 'x' }]), opts), refused('Conflict', /cannot overwrite directory "\/d" with non-directory/));
    await assert.rejects(extractArchive(root, '/', upload([{ name: 'f/', type: 'dir' }]), opts), refused('Conflict', /cannot overwrite non-directory "\/f" with directory/));
    await extractArchive(root, '/', upload([{ name: 'd/', type: 'dir', mode: 0o700 }, { name: 'f', data: 'new' }]), opts);
    assert.equal(lstatSync(path.join(root, 'd')).mode & 0o7777, 0o700);
    // Without the option, each replaces the other.
    await extractArchive(root, '/', upload([{ name: 'd', data: 'now a file' }, { name: 'f/', type: 'dir' }]));
    assert.equal(readFileSync(path.join(root, 'd'), 'utf8'), 'now a file');
    assert.ok(lstatSync(path.join(root, 'f')).isDirectory());
  });
});

test('archive → extract round trip gives an identical tree', async (t) => {
  if (needsRoot(t)) return;
  await withTestHost(async ({ dir, root }) => {
    buildContainerRoot(root);
    const other = path.join(dir, 'other');
    mkdirSync(other);
    const { stream } = await archivePath(root, '/data');
    await extractArchive(other, '/', stream, { copyUIDGID: true });
    assert.deepEqual(walkTree(path.join(other, 'data')), walkTree(path.join(root, 'data')));
    assert.deepEqual(walkTree(other)['data'], walkTree(root)['data']);
    assert.equal(walkTree(other)['data/hard']?.sameAs, 'data/a.txt');
    assert.equal(readlinkSync(path.join(other, 'data', 'link-rel')), 'a.txt');
    // "dir/." into an existing directory: the content, the directory itself untouched.
    mkdirSync(path.join(other, 'copy'), { mode: 0o711 });
    await extractArchive(other, '/copy', (await archivePath(root, '/data/.')).stream, { copyUIDGID: true });
    assert.deepEqual(walkTree(path.join(other, 'copy')), walkTree(path.join(root, 'data')));
    assert.equal(lstatSync(path.join(other, 'copy')).mode & 0o7777, 0o711);
    assert.ok(!existsSync(path.join(dir, 'data')));
  });
});

test('extended attributes from the tar are set, overlay’s own are not', async (t) => {
  if (needsRoot(t)) return;
  await withTestHost(async ({ root }) => {
    await extractArchive(
      root,
      '/',
      upload([{ name: 'x', data: 'x', xattrs: { 'user.colour': 'blue', 'trusted.overlay.opaque': 'y', 'trusted.kept': 'k' } }]),
    );
    const dump = execFileSync('getfattr', ['-h', '-d', '-m', '-', '--absolute-names', path.join(root, 'x')], { encoding: 'utf8' });
    assert.match(dump, /user\.colour="blue"/);
    assert.match(dump, /trusted\.kept="k"/);
    assert.doesNotMatch(dump, /overlay/);
  });
});

test('a read-only file system is an InvalidArgument, not an internal error', async (t) => {
  if (needsRoot(t)) return;
  await withTestHost(async ({ root }) => {
    const ro = path.join(root, 'ro');
    mkdirSync(ro);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=1m', 'tmpfs', ro]);
    try {
      await assert.rejects(extractArchive(root, '/ro', upload([{ name: 'f', data: 'x' }])), refused('InvalidArgument', 'extracting into /ro: read-only file system'));
    } finally {
      execFileSync('umount', [ro]);
    }
  });
});

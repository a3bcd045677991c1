import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { lstat, mkdir, mkdtemp, readFile, readdir, readlink, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { test, type TestContext } from 'node:test';
import { gzipSync } from 'node:zlib';

import { isBerthError } from '../../errors.js';
import { MediaType } from '../media-types.js';
import { tarBuffer, type TestEntry } from './test-tar.js';
import { unpackLayer } from './unpack-layer.js';

/**
 * Root only: real ownership, device nodes, trusted.* xattrs. Everything is
 * written below a per-test temporary directory removed in `finally`.
 */

const needsRoot = (t: TestContext): boolean => {
  if (process.getuid?.() === 0) return false;
  t.skip('needs root');
  return true;
};

const stream = (buf: Buffer): Readable => Readable.from([buf], { objectMode: false });
const sha256 = (b: Buffer): string => `sha256:${createHash('sha256').update(b).digest('hex')}`;

/** The extended attributes of `p` (not following symlinks), values in hex. */
function xattrs(p: string): Record<string, string> {
  const out = execFileSync('getfattr', ['-h', '-d', '-m', '-', '-e', 'hex', '--absolute-names', p], { encoding: 'utf8' });
  const attrs: Record<string, string> = {};
  for (const line of out.split('\n')) {
    const m = /^([^#=][^=]*)=0x([0-9a-f]*)$/.exec(line);
    if (m?.[1] !== undefined) attrs[m[1]] = m[2] ?? '';
  }
  return attrs;
}

async function withTmp(fn: (dir: string) => Promise<void>): Promise<void> {
  const dir = await mkdtemp(path.join(tmpdir(), 'berth-unpack-'));
  try {
    await fn(dir);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

// security.capability, VFS_CAP_REVISION_2 with the effective flag, permitted = CAP_NET_RAW (13).
const CAP_NET_RAW = Buffer.alloc(20);
CAP_NET_RAW.writeUInt32LE(0x02000001, 0);
CAP_NET_RAW.writeUInt32LE(1 << 13, 4);

const longName = `deep/${'n'.repeat(120)}/${'m'.repeat(120)}`;

const layer: TestEntry[] = [
  { name: './', type: 'dir', mode: 0o700 },
  { name: './etc/', type: 'dir', mode: 0o750, uid: 5, gid: 6, mtime: 1000 },
  { name: './etc/hosts', data: 'hosts\n', mode: 0o4755, uid: 1000, gid: 1001, mtime: 1234 },
  {
    name: './etc/ping',
    data: 'ELF',
    mode: 0o755,
    uid: 7,
    xattrs: { 'security.capability': CAP_NET_RAW, 'user.note': 'hi', 'trusted.overlay.redirect': '/x' },
  },
  { name: './bin/sh', type: 'symlink', linkname: '/bin/busybox', uid: 3, gid: 4, mtime: 999 },
  { name: './bin/hosts2', type: 'hardlink', linkname: './etc/hosts' },
  { name: './dev/null', type: 'char', devmajor: 1, devminor: 3, mode: 0o666 },
  { name: './dev/fifo', type: 'fifo', mode: 0o620, uid: 8 },
  { name: `./${longName}`, data: 'long' },
  { name: './old/', type: 'dir' },
  { name: './old/.wh.gone', uid: 0 },
  { name: './opq/.wh..wh..opq' },
  { name: './opq/kept', data: 'kept' },
  { name: './ro/', type: 'dir', mode: 0o555, mtime: 2000 },
  { name: './ro/file', data: 'inside a read-only dir' },
  { name: './twice', data: 'first' },
  { name: './twice', data: 'second' },
  { name: '/abs', data: 'leading slash stripped' },
  // Deleted, then created again in the same layer: a new directory, opaque.
  { name: './again/.wh.d' },
  { name: './again/d/x', data: 'x' },
  { name: './again/.wh.e' },
  { name: './again/e/', type: 'dir', mode: 0o711 },
];

test('unpacks files, directories, links, devices, xattrs and whiteouts', async (t) => {
  if (needsRoot(t)) return;
  await withTmp(async (dir) => {
    const tar = tarBuffer(layer);
    const target = path.join(dir, 'layer');
    const warnings: string[] = [];
    const result = await unpackLayer(stream(gzipSync(tar)), target, MediaType.OciLayerGzip, {
      onWarning: (m) => warnings.push(m),
    });
    assert.equal(result.diffId, sha256(tar));
    assert.equal(result.size, tar.length);

    const st = (p: string) => lstat(path.join(target, p));
    const etc = await st('etc');
    assert.deepEqual([etc.mode & 0o7777, etc.uid, etc.gid, etc.mtimeMs], [0o750, 5, 6, 1000_000]);
    const hosts = await st('etc/hosts');
    assert.deepEqual([hosts.mode & 0o7777, hosts.uid, hosts.gid, hosts.mtimeMs, hosts.nlink], [0o4755, 1000, 1001, 1234_000, 2]);
    assert.equal(await readFile(path.join(target, 'etc/hosts'), 'utf8'), 'hosts\n');
    assert.equal((await st('bin/hosts2')).ino, hosts.ino);

    const sh = await st('bin/sh');
    assert.ok(sh.isSymbolicLink());
    assert.equal(await readlink(path.join(target, 'bin/sh')), '/bin/busybox');
    assert.deepEqual([sh.uid, sh.gid, sh.mtimeMs], [3, 4, 999_000]);

    const ping = xattrs(path.join(target, 'etc/ping'));
    assert.equal(ping['security.capability'], CAP_NET_RAW.toString('hex'), 'set after chown, which clears it');
    assert.equal(ping['user.note'], Buffer.from('hi').toString('hex'));
    assert.equal(ping['trusted.overlay.redirect'], undefined);
    assert.ok(warnings.some((w) => w.includes('trusted.overlay.redirect')));

    const devNull = await st('dev/null');
    assert.ok(devNull.isCharacterDevice());
    assert.equal(devNull.rdev, (1 << 8) | 3);
    assert.equal(devNull.mode & 0o7777, 0o666);
    const fifo = await st('dev/fifo');
    assert.ok(fifo.isFIFO());
    assert.deepEqual([fifo.mode & 0o7777, fifo.uid], [0o620, 8]);

    assert.equal(await readFile(path.join(target, longName), 'utf8'), 'long');

    const gone = await st('old/gone');
    assert.ok(gone.isCharacterDevice(), 'whiteout is a character device');
    assert.equal(gone.rdev, 0);
    await assert.rejects(st('old/.wh.gone'), { code: 'ENOENT' });
    assert.equal(xattrs(path.join(target, 'opq'))['trusted.overlay.opaque'], '79');
    await assert.rejects(st('opq/.wh..wh..opq'), { code: 'ENOENT' });
    assert.equal(await readFile(path.join(target, 'opq/kept'), 'utf8'), 'kept');

    const ro = await st('ro');
    assert.deepEqual([ro.mode & 0o7777, ro.mtimeMs], [0o555, 2000_000]);
    assert.equal(await readFile(path.join(target, 'twice'), 'utf8'), 'second');
    assert.equal(await readFile(path.join(target, 'abs'), 'utf8'), 'leading slash stripped');
    for (const d of ['again/d', 'again/e']) {
      assert.ok((await st(d)).isDirectory(), d);
      assert.equal(xattrs(path.join(target, d))['trusted.overlay.opaque'], '79', d);
    }
    assert.equal((await st('again/e')).mode & 0o7777, 0o711);
    assert.equal(await readFile(path.join(target, 'again/d/x'), 'utf8'), 'x');
    // The layer root is the directory's own (unpackLayer's 0755), not the "./" entry's.
    assert.equal((await lstat(target)).mode & 0o7777, 0o755);
    assert.deepEqual(await readdir(dir), ['layer']);
  });
});

test('diffID is the sha256 of the whole uncompressed stream, for gzip, zstd and plain', async (t) => {
  if (needsRoot(t)) return;
  await withTmp(async (dir) => {
    // Padding after the end-of-archive blocks (tar's 10 KiB records) is part of the digest.
    const tar = Buffer.concat([tarBuffer([{ name: 'f', data: 'data' }]), Buffer.alloc(8192)]);
    const zst = execFileSync('zstd', ['-q', '-c'], { input: tar });
    for (const [i, blob] of [gzipSync(tar), zst, tar].entries()) {
      const r = await unpackLayer(stream(blob), path.join(dir, `l${i}`), '');
      assert.equal(r.diffId, sha256(tar), `blob ${i}: ${blob.length} bytes, ${r.entries} entries, ${r.size} bytes out`);
      assert.equal(await readFile(path.join(dir, `l${i}`, 'f'), 'utf8'), 'data');
    }
  });
});

async function assertRefused(dir: string, entries: TestEntry[], pattern: RegExp): Promise<void> {
  const target = path.join(dir, 'layer');
  await assert.rejects(unpackLayer(stream(tarBuffer(entries)), target, MediaType.OciLayer, { context: 'layer sha256:abcd' }), (e: unknown) => {
    assert.ok(isBerthError(e, 'InvalidArgument'), String(e));
    assert.match(e.message, pattern);
    return true;
  });
  assert.deepEqual(
    (await readdir(dir)).filter((n) => n.startsWith('layer')),
    [],
    'nothing left behind',
  );
}

test('unsafe layers are refused and leave nothing behind', async (t) => {
  if (needsRoot(t)) return;
  await withTmp(async (dir) => {
    const outside = path.join(dir, 'outside');
    await mkdir(outside);
    await writeFile(path.join(outside, 'secret'), 'secret');
    const cases: Array<[string, TestEntry[], RegExp]> = [
      ['.. escape', [{ name: 'ok', data: 'x' }, { name: '../../etc/passwd', data: 'root::0:0' }], /^layer sha256:abcd: contains an unsafe path "\.\.\/\.\.\/etc\/passwd" \(it leaves the layer root\)$/],
      ['.. escape in the middle', [{ name: 'a/../../x', data: 'x' }], /unsafe path "a\/\.\.\/\.\.\/x"/],
      ['symlinked parent (absolute)', [{ name: 'evil', type: 'symlink', linkname: outside }, { name: 'evil/file', data: 'x' }], /unsafe path "evil\/file" \(its parent "evil" is a symlink\)/],
      ['symlinked parent (to /)', [{ name: 'root', type: 'symlink', linkname: '/' }, { name: 'root/etc/x', data: 'x' }], /its parent "root" is a symlink/],
      ['symlinked parent (relative)', [{ name: 'up', type: 'symlink', linkname: '../..' }, { name: 'up/x', type: 'dir' }], /its parent "up" is a symlink/],
      ['hardlink out', [{ name: 'h', type: 'hardlink', linkname: '../outside/secret' }], /unsafe path "h" \(its hardlink target "\.\.\/outside\/secret": it leaves the layer root\)/],
      ['hardlink through a symlink', [{ name: 's', type: 'symlink', linkname: outside }, { name: 'h', type: 'hardlink', linkname: 's/secret' }], /unsafe path "h" \(its parent "s" is a symlink\)/],
      ['hardlink absolute', [{ name: 'h', type: 'hardlink', linkname: `${outside}/secret` }], /hardlink "h" points to ".*", which is not in this layer/],
      ['hardlink to nothing', [{ name: 'h', type: 'hardlink', linkname: 'etc/shadow' }], /which is not in this layer/],
      ['whiteout through a symlink', [{ name: 'w', type: 'symlink', linkname: outside }, { name: 'w/.wh.secret' }], /its parent "w" is a symlink/],
      ['opaque through a symlink', [{ name: 'w', type: 'symlink', linkname: outside }, { name: 'w/.wh..wh..opq' }], /its parent "w" is a symlink/],
    ];
    for (const [what, entries, pattern] of cases) {
      await t.test(what, () => assertRefused(dir, entries, pattern));
    }
    assert.deepEqual(await readdir(outside), ['secret']);
    assert.equal(await readFile(path.join(outside, 'secret'), 'utf8'), 'secret');
    assert.equal(Object.keys(xattrs(outside)).length, 0);
  });
});

test('a symlink planted at a name is replaced, never written through', async (t) => {
  if (needsRoot(t)) return;
  await withTmp(async (dir) => {
    const outside = path.join(dir, 'outside');
    await mkdir(outside);
    const target = path.join(dir, 'layer');
    await unpackLayer(
      stream(tarBuffer([{ name: 'x', type: 'symlink', linkname: path.join(outside, 'created') }, { name: 'x', data: 'mine' }])),
      target,
      '',
    );
    assert.deepEqual(await readdir(outside), []);
    assert.equal(await readFile(path.join(target, 'x'), 'utf8'), 'mine');
    assert.ok((await lstat(path.join(target, 'x'))).isFile());
  });
});

test('truncated and corrupt streams fail cleanly', async (t) => {
  if (needsRoot(t)) return;
  await withTmp(async (dir) => {
    const tar = tarBuffer([{ name: 'a', data: 'a'.repeat(3000) }, { name: 'b', data: 'b'.repeat(3000) }]);
    const target = path.join(dir, 'layer');
    await assert.rejects(unpackLayer(stream(tar.subarray(0, 5000)), target, ''), /truncated: the stream ends inside the data of "b"/);
    const gz = gzipSync(tar);
    await assert.rejects(unpackLayer(stream(gz.subarray(0, gz.length - 8)), target, MediaType.DockerLayerGzip), (e: unknown) => {
      assert.ok(isBerthError(e, 'InvalidArgument'));
      assert.match(e.message, /^layer: corrupt gzip data/);
      return true;
    });
    const bad = Buffer.from(tar);
    bad.writeUInt8(bad.readUInt8(3584 + 2) ^ 0xff, 3584 + 2); // the second header: 512 + 3000 bytes of data padded to 3072

    await assert.rejects(unpackLayer(stream(bad), target, ''), /header checksum mismatch at offset 3584/);
    assert.deepEqual(await readdir(dir), []);
  });
});

test('a full disk is FailedPrecondition and leaves nothing behind', async (t) => {
  if (needsRoot(t)) return;
  await withTmp(async (dir) => {
    const small = path.join(dir, 'small');
    await mkdir(small);
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'berth-test', small]);
    try {
      const tar = tarBuffer([{ name: 'big', data: Buffer.alloc(1 << 20, 1) }]);
      await assert.rejects(unpackLayer(stream(gzipSync(tar)), path.join(small, 'layer'), '', { context: 'layer sha256:ff' }), (e: unknown) => {
        assert.ok(isBerthError(e, 'FailedPrecondition'), String(e));
        assert.match(e.message, /^layer sha256:ff: no space left on device while unpacking into /);
        return true;
      });
      assert.deepEqual(await readdir(small), []);
    } finally {
      execFileSync('umount', [small]);
    }
  });
});

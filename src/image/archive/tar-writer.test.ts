import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { Writable } from 'node:stream';

import { isBerthError } from '../../errors.js';
import { parseHeader } from '../unpack/tar-header.js';
import { parsePax } from '../unpack/pax.js';
import { readTar, type TarEntry } from '../unpack/tar-reader.js';
import { encodeTarHeader } from './tar-header-encode.js';
import { TarWriter } from './tar-writer.js';
import { chunked, run, tarBuffer, type Entry } from './test-fixtures.js';

const LONG_DIR = `${'d'.repeat(120)}/${'e'.repeat(120)}`;
const LONG_NAME = `${LONG_DIR}/${'f'.repeat(90)}.txt`; // > 256 bytes: needs a pax path
const SPLIT_NAME = `${'a'.repeat(120)}/${'b'.repeat(60)}`; // fits ustar prefix + name

const ENTRIES: Entry[] = [
  { name: 'dir', type: 'dir', mode: 0o750, mtime: 1_700_000_000 },
  { name: 'dir/hello.txt', body: 'hello\n', mode: 0o600, uid: 1000, gid: 1000, uname: 'tester', gname: 'tester' },
  { name: 'dir/link', type: 'symlink', linkname: 'hello.txt' },
  { name: 'dir/hard', type: 'hardlink', linkname: 'dir/hello.txt' },
  { name: LONG_NAME, body: 'long\n' },
  { name: SPLIT_NAME, body: 'split\n' },
  { name: 'dir/longlink', type: 'symlink', linkname: `../${'x'.repeat(150)}` },
  { name: 'dir/ünïcödé.txt', body: 'u\n' },
  { name: 'dir/big-ids', body: '', uid: 5_000_000, gid: 6_000_000 },
  { name: 'dir/frac', body: 'f', mtime: 1_700_000_000.25 },
  { name: 'dir/xattr', body: 'x', xattrs: { 'user.note': 'hi', 'security.capability': Buffer.from([1, 0, 0, 2]) } },
  { name: 'dev/null', type: 'char', devmajor: 1, devminor: 3, mode: 0o666 },
  { name: 'fifo', type: 'fifo' },
];

async function readAll(buf: Buffer): Promise<{ entry: TarEntry; body: Buffer }[]> {
  const out: { entry: TarEntry; body: Buffer }[] = [];
  for await (const entry of readTar(chunked(buf, 333))) {
    const chunks: Buffer[] = [];
    for await (const c of entry.body as AsyncIterable<Buffer>) chunks.push(c);
    out.push({ entry, body: Buffer.concat(chunks) });
  }
  return out;
}

describe('TarWriter', () => {
  it('writes what the tar reader reads back, field by field', async () => {
    const got = await readAll(await tarBuffer(ENTRIES));
    assert.deepEqual(
      got.map((g) => g.entry.name),
      ENTRIES.map((e) => (e.type === 'dir' ? `${e.name}/` : e.name)),
    );
    const by = new Map(got.map((g) => [g.entry.name.replace(/\/$/, ''), g]));
    const hello = by.get('dir/hello.txt');
    assert.equal(hello?.body.toString(), 'hello\n');
    assert.equal(hello?.entry.mode, 0o600);
    assert.equal(hello?.entry.uid, 1000);
    assert.equal(hello?.entry.uname, 'tester');
    assert.equal(by.get('dir')?.entry.type, 'dir');
    assert.equal(by.get('dir')?.entry.mode, 0o750);
    assert.equal(by.get('dir')?.entry.mtime, 1_700_000_000);
    assert.equal(by.get('dir/link')?.entry.linkname, 'hello.txt');
    assert.equal(by.get('dir/hard')?.entry.type, 'hardlink');
    assert.equal(by.get(LONG_NAME)?.body.toString(), 'long\n');
    assert.equal(by.get(SPLIT_NAME)?.body.toString(), 'split\n');
    assert.equal(by.get('dir/longlink')?.entry.linkname, `../${'x'.repeat(150)}`);
    assert.equal(by.get('dir/ünïcödé.txt')?.body.toString(), 'u\n');
    assert.equal(by.get('dir/big-ids')?.entry.uid, 5_000_000);
    assert.equal(by.get('dir/big-ids')?.entry.gid, 6_000_000);
    assert.equal(by.get('dir/frac')?.entry.mtime, 1_700_000_000.25);
    assert.equal(by.get('dir/xattr')?.entry.xattrs.get('user.note')?.toString(), 'hi');
    assert.deepEqual([...(by.get('dir/xattr')?.entry.xattrs.get('security.capability') ?? [])], [1, 0, 0, 2]);
    const dev = by.get('dev/null')?.entry;
    assert.deepEqual([dev?.type, dev?.devmajor, dev?.devminor], ['char', 1, 3]);
    assert.equal(by.get('fifo')?.entry.type, 'fifo');
  });

  it('writes archives GNU tar lists and extracts (long names, links, pax records)', async (t) => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'berth-tarw-'));
    t.after(() => rm(dir, { recursive: true, force: true }));
    const file = path.join(dir, 'a.tar');
    await writeFile(file, await tarBuffer(ENTRIES.filter((e) => e.type !== 'char')));
    const { stdout } = await run('tar', ['-tf', file]);
    assert.ok(stdout.split('\n').includes(LONG_NAME));
    assert.ok(stdout.split('\n').includes(SPLIT_NAME));
    const out = path.join(dir, 'x');
    await run('mkdir', [out]);
    await run('tar', ['-xf', file, '-C', out, '--no-same-owner']);
    assert.equal(await readFile(path.join(out, LONG_NAME), 'utf8'), 'long\n');
    assert.equal(await readFile(path.join(out, 'dir/link'), 'utf8'), 'hello\n');
    assert.equal(await readFile(path.join(out, 'dir/hard'), 'utf8'), 'hello\n');
    assert.equal(await readFile(path.join(out, 'dir/ünïcödé.txt'), 'utf8'), 'u\n');
  });

  it('streams a body of the declared size and refuses one that is longer or shorter', async () => {
    const data = Buffer.alloc(100_000, 7);
    const ok = await readAll(await tarBuffer([{ name: 'big', size: data.length, body: chunked(data) }]));
    assert.deepEqual(ok[0]?.body, data);
    const invalid = (re: RegExp) => (e: unknown) => isBerthError(e, 'InvalidArgument') && re.test(e.message);
    await assert.rejects(tarBuffer([{ name: 'x', size: 10, body: chunked(data) }]), invalid(/longer than the declared 10 bytes/));
    await assert.rejects(tarBuffer([{ name: 'x', size: 200_000, body: chunked(data) }]), invalid(/body has 100000 bytes, the header says 200000/));
    await assert.rejects(tarBuffer([{ name: 'x', body: chunked(data) }]), invalid(/needs a size/));
    await assert.rejects(tarBuffer([{ name: '', body: 'x' }]), invalid(/name must not be empty/));
  });

  it('puts sizes of 8 GiB and more into a pax record', () => {
    const size = 10 * 2 ** 30;
    const h = encodeTarHeader({ name: 'huge', size });
    assert.equal(h.length, 512 * 3);
    assert.equal(String.fromCharCode(h[156] ?? 0), 'x');
    const recordsLen = parseHeader(h.subarray(0, 512)).size;
    assert.equal(parsePax(h.subarray(512, 512 + recordsLen)).get('size')?.toString(), String(size));
    const ustar = parseHeader(h.subarray(1024));
    assert.equal(ustar.name.toString(), 'huge');
    assert.equal(ustar.size, 0);
  });

  it('waits for a slow stream (backpressure) and reports its errors', async () => {
    let received = 0;
    const slow = new Writable({
      highWaterMark: 1024,
      write(chunk: Buffer, _enc, cb) {
        received += chunk.length;
        setTimeout(cb, 1);
      },
    });
    const tar = new TarWriter(slow);
    await tar.add({ name: 'a', size: 50_000 }, chunked(Buffer.alloc(50_000), 4096));
    await tar.finish();
    assert.equal(tar.bytesWritten, 512 + 50_176 + 1024);
    slow.end();
    await new Promise((resolve) => slow.on('finish', resolve));
    assert.equal(received, tar.bytesWritten);

    const broken = new Writable({
      write(_chunk, _enc, cb) {
        cb(new Error('disk full'));
      },
    });
    const t2 = new TarWriter(broken);
    await assert.rejects(
      (async () => {
        for (let i = 0; i < 10; i++) await t2.add({ name: `f${i}` }, Buffer.alloc(100_000));
      })(),
      /disk full/,
    );
  });
});

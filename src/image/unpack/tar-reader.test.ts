import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Readable } from 'node:stream';
import { test } from 'node:test';

import { isBerthError } from '../../errors.js';
import { cleanEntryPath } from './safe-path.js';
import { parseNumber } from './tar-header.js';
import { readTar, type TarEntry } from './tar-reader.js';
import { tarBuffer, tarEntry } from './test-tar.js';

/** A source that hands out `buf` in chunks of `size` bytes, to exercise every boundary. */
function chunked(buf: Buffer, size: number): Readable {
  const parts: Buffer[] = [];
  for (let i = 0; i < buf.length; i += size) parts.push(buf.subarray(i, i + size));
  return Readable.from(parts, { objectMode: false });
}

interface Seen extends Omit<TarEntry, 'body' | 'xattrs'> {
  data: string;
  xattrs: Record<string, string>;
}

async function readAll(src: Readable, opts: { readBodies?: boolean } = {}): Promise<Seen[]> {
  const out: Seen[] = [];
  for await (const e of readTar(src)) {
    let data = '';
    if (opts.readBodies !== false) {
      const chunks: Buffer[] = [];
      for await (const c of e.body) chunks.push(c as Buffer);
      data = Buffer.concat(chunks).toString('utf8');
    }
    const { xattrs, ...rest } = e;
    const seen: Seen & { body?: unknown } = { ...rest, data, xattrs: Object.fromEntries([...xattrs].map(([k, v]) => [k, v.toString('latin1')])) };
    delete seen.body;
    out.push(seen);
  }
  return out;
}

const longName = `${'d'.repeat(80)}/${'e'.repeat(80)}/${'f'.repeat(80)}.txt`;

const sample = tarBuffer([
  { name: './', type: 'dir' },
  { name: './etc/', type: 'dir', mode: 0o750, uid: 1, gid: 2 },
  { name: './etc/hosts', data: 'hello\n', mode: 0o4755, uid: 3_000_000, gid: 7 },
  { name: './big', data: 'x'.repeat(70_000) },
  { name: './link', type: 'symlink', linkname: '/etc/hosts' },
  { name: './hard', type: 'hardlink', linkname: './etc/hosts' },
  { name: './dev/null', type: 'char', devmajor: 1, devminor: 3, mode: 0o666 },
  { name: `./${longName}`, data: 'pax' },
  { name: `./gnu/${longName}`, data: 'gnu', gnuLongNames: true },
  { name: './gnulink', type: 'symlink', linkname: `/${longName}`, gnuLongNames: true },
  { name: './cap', data: '', xattrs: { 'security.capability': Buffer.from([1, 0, 0, 2, 0xff]), 'user.x': 'y' } },
  { name: './t', pax: { mtime: '1700000000.25', uid: '123456789' } },
]);

test('reads ustar, pax and GNU entries whatever the chunk size', async () => {
  for (const size of [5, 7, 511, 512, 513, 4096, 1 << 20]) {
    const seen = await readAll(chunked(sample, size));
    assert.deepEqual(
      seen.map((e) => [e.name, e.type]),
      [
        ['./', 'dir'],
        ['./etc/', 'dir'],
        ['./etc/hosts', 'file'],
        ['./big', 'file'],
        ['./link', 'symlink'],
        ['./hard', 'hardlink'],
        ['./dev/null', 'char'],
        [`./${longName}`, 'file'],
        [`./gnu/${longName}`, 'file'],
        ['./gnulink', 'symlink'],
        ['./cap', 'file'],
        ['./t', 'file'],
      ],
      `chunk size ${size}`,
    );
    const [, etc, hosts, big, link, hard, dev, pax, gnu, gnulink, cap, t] = seen;
    assert.deepEqual([etc?.mode, etc?.uid, etc?.gid], [0o750, 1, 2]);
    assert.deepEqual([hosts?.data, hosts?.mode, hosts?.uid, hosts?.gid, hosts?.size], ['hello\n', 0o4755, 3_000_000, 7, 6]);
    assert.equal(big?.data.length, 70_000);
    assert.equal(link?.linkname, '/etc/hosts');
    assert.equal(hard?.linkname, './etc/hosts');
    assert.deepEqual([dev?.devmajor, dev?.devminor, dev?.mode], [1, 3, 0o666]);
    assert.equal(pax?.data, 'pax');
    assert.equal(gnu?.data, 'gnu');
    assert.equal(gnulink?.linkname, `/${longName}`);
    assert.deepEqual(cap?.xattrs, { 'security.capability': '\x01\x00\x00\x02\xff', 'user.x': 'y' });
    assert.deepEqual([t?.mtime, t?.uid], [1700000000.25, 123456789]);
  }
});

test('bodies left unread are skipped', async () => {
  const seen = await readAll(chunked(sample, 1000), { readBodies: false });
  assert.equal(seen.length, 12);
  assert.equal(seen.at(-1)?.name, './t');
});

test('a body read halfway is skipped too', async () => {
  const names: string[] = [];
  for await (const e of readTar(chunked(sample, 100))) {
    names.push(e.name);
    if (e.name === './big') {
      for await (const c of e.body) {
        assert.ok((c as Buffer).length > 0);
        break; // stops reading (destroys the body)
      }
    }
  }
  assert.equal(names.length, 12);
});

/** Changes an entry's type flag and fixes its checksum. */
function retype(b: Buffer, flag: string): Buffer {
  b.write(flag, 156, 1, 'latin1');
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (let i = 0; i < 512; i++) sum += b[i] ?? 0;
  b.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'latin1');
  return b;
}

test('global pax headers are ignored; the archive may end without zero blocks', async () => {
  const globalPax = retype(tarEntry({ name: 'pax_global_header', data: '15 comment=hey\n' }), 'g');
  const buf = Buffer.concat([globalPax, tarBuffer([{ name: 'a', data: 'A' }], { end: false })]);
  const seen = await readAll(chunked(buf, 300));
  assert.deepEqual(
    seen.map((e) => [e.name, e.data]),
    [['a', 'A']],
  );
});

test('an empty stream is not an archive', async () => {
  await assert.rejects(readAll(chunked(Buffer.alloc(0), 1)), /^BerthError: tar stream: empty/);
  assert.deepEqual(await readAll(chunked(Buffer.alloc(1024), 512)), []);
});

test('a corrupt header checksum is refused with its offset', async () => {
  const buf = tarBuffer([{ name: 'a', data: 'A' }, { name: 'b' }]);
  buf[1024 + 3] = 0x41; // inside the second header's name
  await assert.rejects(readAll(chunked(buf, 512)), (e: unknown) => {
    assert.ok(isBerthError(e, 'InvalidArgument'));
    assert.match(e.message, /^tar stream: header checksum mismatch at offset 1024$/);
    return true;
  });
});

test('a truncated stream is refused', async () => {
  const buf = tarBuffer([{ name: 'a', data: 'x'.repeat(5000) }]);
  for (const cut of [100, 512 + 100, 512 + 5000 + 10]) {
    await assert.rejects(readAll(chunked(buf.subarray(0, cut), 256)), (e: unknown) => {
      assert.ok(isBerthError(e, 'InvalidArgument'));
      assert.match(e.message, /truncated/);
      return true;
    }, `cut at ${cut}`);
  }
});

test('unsupported entry types are refused by name', async () => {
  await assert.rejects(readAll(chunked(retype(tarEntry({ name: 'sparse' }), 'S'), 512)), /unsupported tar entry \(GNU sparse file\)/);
});

test('base-256 numbers, positive and negative', () => {
  const b = Buffer.alloc(8);
  b[0] = 0x80;
  b.writeUInt32BE(0xdeadbeef, 4);
  assert.equal(parseNumber(b, 0, 8, 'uid'), 0xdeadbeef);
  const neg = Buffer.alloc(12, 0xff); // -1
  assert.equal(parseNumber(neg, 0, 12, 'mtime'), -1);
  assert.equal(parseNumber(Buffer.from('0000644 \0'), 0, 8, 'mode'), 0o644);
  assert.equal(parseNumber(Buffer.from('      \0\0'), 0, 8, 'mode'), 0);
});

test('entry names are cleaned as tar does, and escapes refused', () => {
  assert.deepEqual(cleanEntryPath('./a/./b/'), { ok: true, parts: ['a', 'b'] });
  assert.deepEqual(cleanEntryPath('/etc/passwd'), { ok: true, parts: ['etc', 'passwd'] });
  assert.deepEqual(cleanEntryPath('a/../b'), { ok: true, parts: ['b'] });
  assert.deepEqual(cleanEntryPath('./'), { ok: true, parts: [] });
  assert.equal(cleanEntryPath('../../etc/passwd').ok, false);
  assert.equal(cleanEntryPath('a/../../b').ok, false);
  assert.equal(cleanEntryPath('/../x').ok, false);
});

test('reads what GNU tar writes (pax format with xattrs, and gnu format)', async (t) => {
  const dir = mkdtempSync(path.join(tmpdir(), 'berth-tar-'));
  try {
    const src = path.join(dir, 'src');
    mkdirSync(path.join(src, 'sub', 'x'.repeat(120)), { recursive: true });
    writeFileSync(path.join(src, 'sub', 'x'.repeat(120), 'y'.repeat(120)), 'deep');
    writeFileSync(path.join(src, 'file'), 'data');
    symlinkSync('y'.repeat(150), path.join(src, 'sym'));
    for (const format of ['pax', 'gnu']) {
      let tarBytes: Buffer;
      try {
        tarBytes = execFileSync('tar', [`--format=${format}`, '-C', src, '-cf', '-', '.']);
      } catch {
        t.skip('no tar program');
        return;
      }
      const seen = await readAll(chunked(tarBytes, 10_000));
      const byName = new Map(seen.map((e) => [e.name.replace(/\/$/, ''), e]));
      assert.equal(byName.get(`./sub/${'x'.repeat(120)}/${'y'.repeat(120)}`)?.data, 'deep', format);
      assert.equal(byName.get('./file')?.data, 'data', format);
      assert.equal(byName.get('./sym')?.linkname, 'y'.repeat(150), format);
      assert.equal(byName.get(`./sub/${'x'.repeat(120)}`)?.type, 'dir', format);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

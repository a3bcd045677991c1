import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { Readable } from 'node:stream';
import { test } from 'node:test';
import { gzipSync } from 'node:zlib';

import { isBerthError } from '../../errors.js';
import { MediaType } from '../media-types.js';
import { decompressLayer, sniffCompression } from './decompress.js';
import { tarBuffer } from './test-tar.js';

const source = (buf: Buffer, chunk = 1000): Readable => {
  const parts: Buffer[] = [];
  for (let i = 0; i < buf.length; i += chunk) parts.push(buf.subarray(i, i + chunk));
  return Readable.from(parts, { objectMode: false });
};

async function collect(r: Readable): Promise<Buffer> {
  const out: Buffer[] = [];
  for await (const c of r) out.push(c as Buffer);
  return Buffer.concat(out);
}

const zstd = (b: Buffer): Buffer => execFileSync('zstd', ['-q', '-c', '-3'], { input: b });

const tar = tarBuffer([{ name: 'a', data: 'x'.repeat(100_000) }, { name: 'b', data: 'hello' }]);

test('sniffs gzip, zstd, xz, bzip2 and plain tar', () => {
  assert.equal(sniffCompression(gzipSync(tar)), 'gzip');
  assert.equal(sniffCompression(zstd(tar)), 'zstd');
  assert.equal(sniffCompression(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0])), 'xz');
  assert.equal(sniffCompression(Buffer.from('BZh91AY')), 'bzip2');
  assert.equal(sniffCompression(tar), 'none');
  assert.equal(sniffCompression(Buffer.alloc(0)), 'none');
});

test('gzip, zstd and plain layers come out as the same tar, by media type or by sniffing', async () => {
  const cases: Array<[Buffer, string]> = [
    [gzipSync(tar), MediaType.OciLayerGzip],
    [gzipSync(tar), MediaType.DockerLayerGzip],
    [gzipSync(tar), ''],
    [Buffer.concat([gzipSync(tar.subarray(0, 5000)), gzipSync(tar.subarray(5000))]), MediaType.OciLayerGzip], // multi-member
    [zstd(tar), MediaType.OciLayerZstd],
    [zstd(tar), ''],
    [tar, MediaType.OciLayer],
    [tar, ''],
  ];
  const want = createHash('sha256').update(tar).digest('hex');
  for (const [blob, mt] of cases) {
    for (const chunk of [3, 4096]) {
      const out = await collect(await decompressLayer(source(blob, chunk), mt));
      assert.equal(createHash('sha256').update(out).digest('hex'), want, `${mt || '(sniffed)'} chunk ${chunk}`);
    }
  }
});

test('zstd output is complete even when zstd exits before the first read', async () => {
  // Node discards a child's unread stdout when it exits.
  const out = await decompressLayer(source(zstd(tar)), MediaType.OciLayerZstd);
  await new Promise((resolve) => setTimeout(resolve, 300));
  assert.equal((await collect(out)).length, tar.length);
});

test('a layer declared compressed that is not is refused', async () => {
  await assert.rejects(decompressLayer(source(tar), MediaType.OciLayerGzip), (e: unknown) => {
    assert.ok(isBerthError(e, 'InvalidArgument'));
    assert.match(e.message, /says gzip, but the data is not gzip/);
    return true;
  });
  await assert.rejects(decompressLayer(source(tar), MediaType.OciLayerZstd), /says zstd/);
});

test('xz and bzip2 are refused by name', async () => {
  await assert.rejects(decompressLayer(source(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0, 1, 2])), ''), /unsupported compression xz/);
});

test('corrupt zstd data fails the stream, naming zstd', async () => {
  const z = zstd(tar);
  const bad = Buffer.concat([z.subarray(0, 20), Buffer.alloc(50, 0x55), z.subarray(70)]);
  await assert.rejects(
    (async () => collect(await decompressLayer(source(bad), MediaType.OciLayerZstd, 'layer x')))(),
    (e: unknown) => {
      assert.ok(isBerthError(e, 'InvalidArgument'));
      assert.match(e.message, /^layer x: corrupt zstd data: /);
      return true;
    },
  );
  // Truncated: zstd notices the frame is incomplete.
  await assert.rejects((async () => collect(await decompressLayer(source(z.subarray(0, z.length - 10)), '')))(), /corrupt zstd data/);
});

test('corrupt gzip data fails the stream', async () => {
  const g = gzipSync(tar);
  await assert.rejects((async () => collect(await decompressLayer(source(g.subarray(0, g.length - 30)), '')))(), (e: unknown) => {
    assert.equal((e as { code?: string }).code, 'Z_BUF_ERROR');
    return true;
  });
});

test('a truncated gzip stream read only later fails the read, not the process', async () => {
  // Small enough that the input ends (and gunzip fails) before anyone reads.
  const g = gzipSync(tarBuffer([{ name: 'a', data: 'short' }]));
  const uncaught: unknown[] = [];
  const onUncaught = (e: unknown) => uncaught.push(e);
  process.on('uncaughtException', onUncaught);
  try {
    const out = await decompressLayer(source(g.subarray(0, g.length - 10)), MediaType.OciLayerGzip);
    await new Promise((resolve) => setTimeout(resolve, 100));
    await assert.rejects(collect(out), (e: unknown) => (e as { code?: string }).code === 'Z_BUF_ERROR');
  } finally {
    process.off('uncaughtException', onUncaught);
  }
  assert.deepEqual(uncaught, []);
});

test('a source error reaches the reader (zstd)', async () => {
  const z = zstd(tar);
  async function* failing(): AsyncGenerator<Buffer> {
    yield z.subarray(0, 100);
    throw new Error('disk read failed');
  }
  await assert.rejects(
    (async () => collect(await decompressLayer(Readable.from(failing(), { objectMode: false }), '')))(),
    /disk read failed/,
  );
});

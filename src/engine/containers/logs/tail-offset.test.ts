import assert from 'node:assert/strict';
import { mkdtemp, open, rm, writeFile, type FileHandle } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';

import { readLines, type ReadableFile } from './line-reader.js';
import { tailOffset } from './tail-offset.js';

let dir: string;
before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-tail-'));
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A file whose reads are counted. */
async function counted(content: string | Buffer): Promise<{ file: ReadableFile; size: number; bytes: () => number; close: () => Promise<void> }> {
  const path = join(dir, `f${Math.random()}`);
  await writeFile(path, content);
  const handle: FileHandle = await open(path, 'r');
  let bytes = 0;
  const file: ReadableFile = {
    read: async (buffer, offset, length, position) => {
      const r = await handle.read(buffer, offset, length, position);
      bytes += r.bytesRead;
      return r;
    },
  };
  return { file, size: (await handle.stat()).size, bytes: () => bytes, close: () => handle.close() };
}

test('the last n complete lines; a torn end is not a line', async () => {
  const f = await counted('a\nbb\nccc\ndd');
  try {
    assert.deepEqual(await tailOffset(f.file, f.size, 2), { offset: 2, found: 2 });
    assert.deepEqual(await tailOffset(f.file, f.size, 0), { offset: 9, found: 0 });
    assert.deepEqual(await tailOffset(f.file, f.size, 3), { offset: 0, found: 3 });
    assert.deepEqual(await tailOffset(f.file, f.size, 10), { offset: 0, found: 3 });
  } finally {
    await f.close();
  }
});

test('an empty file and a file that is one torn line have no lines', async () => {
  for (const content of ['', 'no newline yet']) {
    const f = await counted(content);
    assert.deepEqual(await tailOffset(f.file, f.size, 5), { offset: 0, found: 0 });
    await f.close();
  }
});

test('the tail of a 32 MiB file reads only its end', async () => {
  const line = `${JSON.stringify({ log: 'x'.repeat(60), stream: 'stdout', time: '2026-01-02T03:04:05.123456789Z' })}\n`;
  const count = Math.ceil((32 * 1024 * 1024) / line.length);
  const f = await counted(Buffer.from(line.repeat(count)));
  try {
    const { offset, found } = await tailOffset(f.file, f.size, 10);
    assert.equal(found, 10);
    assert.equal(offset, f.size - 10 * line.length);
    assert.ok(f.bytes() <= 64 * 1024, `read ${f.bytes()} bytes`);
  } finally {
    await f.close();
  }
});

test('lines longer than a read chunk are found whole, forwards and backwards', async () => {
  const long = 'y'.repeat(200 * 1024);
  const f = await counted(`a\n${long}\nb\ntorn`);
  try {
    assert.deepEqual(await tailOffset(f.file, f.size, 2), { offset: 2, found: 2 });
    const lines = [];
    for await (const l of readLines(f.file, 0)) lines.push({ text: l.bytes.toString(), end: l.end });
    assert.deepEqual(lines, [
      { text: 'a', end: 2 },
      { text: long, end: 3 + long.length },
      { text: 'b', end: 5 + long.length },
    ]);
  } finally {
    await f.close();
  }
});

import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';

import { entryLine, FakeShimLog } from './fake-shim-log.js';
import type { LogEntry } from './log-entry.js';
import { readLogs, type ReadLogsOptions } from './read-logs.js';

let dir: string;
let log: FakeShimLog;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-logs-'));
  log = new FakeShimLog(join(dir, 'container.log'), 3);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const both = { stdout: true, stderr: true };

async function collect(options: Partial<ReadLogsOptions> = {}): Promise<string[]> {
  const out: string[] = [];
  for await (const e of readLogs(log.path, { ...both, ...options })) out.push(e.line.toString());
  return out;
}

/** a b | c d | e f, in FILE.2, FILE.1 and FILE. */
async function threeFiles(): Promise<string[]> {
  const times = [];
  for (const [i, text] of ['a\n', 'b\n', 'c\n', 'd\n', 'e\n', 'f\n'].entries()) {
    if (i > 0 && i % 2 === 0) await log.rotate();
    times.push(await log.write(text, i % 2 === 0 ? 'stdout' : 'stderr'));
  }
  assert.ok(existsSync(`${log.path}.2`));
  return times;
}

test('rotated files are read oldest first, then the current one', async () => {
  await threeFiles();
  assert.deepEqual(await collect(), ['a\n', 'b\n', 'c\n', 'd\n', 'e\n', 'f\n']);
});

test('tail counts entries backwards across files', async () => {
  await threeFiles();
  assert.deepEqual(await collect({ tail: 1 }), ['f\n']);
  assert.deepEqual(await collect({ tail: 3 }), ['d\n', 'e\n', 'f\n']);
  assert.deepEqual(await collect({ tail: 5 }), ['b\n', 'c\n', 'd\n', 'e\n', 'f\n']);
  assert.deepEqual(await collect({ tail: 100 }), ['a\n', 'b\n', 'c\n', 'd\n', 'e\n', 'f\n']);
  assert.deepEqual(await collect({ tail: 0 }), []);
  assert.deepEqual(await collect({ tail: -1 }), ['a\n', 'b\n', 'c\n', 'd\n', 'e\n', 'f\n']);
});

test('tail counts before the stream filter, as docker does', async () => {
  await threeFiles();
  // The last 3 are d (stderr), e (stdout), f (stderr).
  assert.deepEqual(await collect({ tail: 3, stderr: false }), ['e\n']);
  assert.deepEqual(await collect({ stdout: false }), ['b\n', 'd\n', 'f\n']);
});

test('since keeps entries at or after it; until ends at the first later entry', async () => {
  const times = await threeFiles();
  const at = (i: number): Date => new Date(times[i] ?? '');
  assert.deepEqual(await collect({ since: at(2) }), ['c\n', 'd\n', 'e\n', 'f\n']);
  // Entry 3 is at .003000003: later than .003 by nanoseconds, so not included.
  assert.deepEqual(await collect({ until: at(3) }), ['a\n', 'b\n', 'c\n']);
  assert.deepEqual(await collect({ since: at(1), until: at(4) }), ['b\n', 'c\n', 'd\n']);
  assert.deepEqual(await collect({ since: at(1), tail: 2 }), ['e\n', 'f\n']);
});

test('a torn last line is not delivered; corrupt lines are skipped', async () => {
  await log.write('one\n');
  await log.writeRaw('{"log":"garbage\n');
  await log.writeRaw('not json at all\n');
  await log.write('two\n');
  await log.writeRaw('{"log":"half of an entry","str');
  assert.deepEqual(await collect(), ['one\n', 'two\n']);
  assert.deepEqual(await collect({ tail: 1 }), ['two\n']);
});

test('pieces of a long line come as separate entries that join up', async () => {
  const piece = 'z'.repeat(16 * 1024);
  await log.write(piece);
  await log.write(piece);
  await log.write('end\n');
  const entries: LogEntry[] = [];
  for await (const e of readLogs(log.path, both)) entries.push(e);
  assert.equal(entries.length, 3);
  assert.equal(Buffer.concat(entries.map((e) => e.line)).toString(), `${piece}${piece}end\n`);
  assert.equal(entries[0]?.timeText, FakeShimLog.timeOf(0));
});

test('no log yet reads as empty', async () => {
  assert.deepEqual(await collect(), []);
  assert.deepEqual(await collect({ tail: 5 }), []);
});

test('the tail of a large log does not read the whole file', { skip: !existsSync('/proc/self/io') }, async () => {
  const line = entryLine(`${'x'.repeat(100)}\n`, 'stdout', '2026-01-02T03:04:05.123456789Z');
  const count = Math.ceil((48 * 1024 * 1024) / line.length);
  await writeFile(log.path, line.repeat(count));
  const readBytes = (): number => Number(/rchar:\s*(\d+)/.exec(readFileSync('/proc/self/io', 'utf8'))?.[1]);
  const before = readBytes();
  assert.equal((await collect({ tail: 10 })).length, 10);
  const read = readBytes() - before;
  // Everything this process read meanwhile, /proc/self/io included: far below the 48 MiB.
  assert.ok(read < 1024 * 1024, `read ${read} bytes`);
});

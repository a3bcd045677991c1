import assert from 'node:assert/strict';
import { mkdtemp, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';

import { openLogChain, openLogFile, type LogFile } from './log-chain.js';
import { nextLogFile } from './next-file.js';

let dir: string;
let path: string;
const held: LogFile[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-next-'));
  path = join(dir, 'container.log');
});
afterEach(async () => {
  await Promise.allSettled(held.splice(0).map((f) => f.handle.close()));
  await rm(dir, { recursive: true, force: true });
});

async function hold(p: string): Promise<LogFile> {
  const f = await openLogFile(p);
  assert.ok(f, p);
  held.push(f);
  return f;
}

test('the current file has nothing after it until it is rotated', async () => {
  await writeFile(path, 'x\n');
  const current = await hold(path);
  assert.deepEqual(await nextLogFile(path, current), { kind: 'wait' });
  await rename(path, `${path}.1`);
  // Renamed, and the shim has not created the new FILE yet.
  assert.deepEqual(await nextLogFile(path, current), { kind: 'retry' });
  await writeFile(path, '');
  const next = await nextLogFile(path, current);
  assert.equal(next.kind, 'next');
  if (next.kind === 'next') held.push(next.file);
});

test('two rotations behind: the file after ours is FILE.1, not FILE', async () => {
  await writeFile(`${path}.2`, 'ours\n');
  await writeFile(`${path}.1`, 'middle\n');
  await writeFile(path, 'newest\n');
  const next = await nextLogFile(path, await hold(`${path}.2`));
  assert.equal(next.kind, 'next');
  if (next.kind !== 'next') return;
  held.push(next.file);
  assert.equal((await next.file.handle.readFile('utf8')), 'middle\n');
});

test('a file rotated out is followed by the oldest file kept', async () => {
  await writeFile(`${path}.1`, 'kept\n');
  await writeFile(path, 'newest\n');
  await writeFile(join(dir, 'gone'), 'ours\n');
  const ours = await hold(join(dir, 'gone'));
  await unlink(join(dir, 'gone'));
  const next = await nextLogFile(path, ours);
  assert.equal(next.kind, 'next');
  if (next.kind !== 'next') return;
  held.push(next.file);
  assert.equal(await next.file.handle.readFile('utf8'), 'kept\n');
});

test('the chain is opened oldest first; no log is an empty chain', async () => {
  assert.deepEqual(await openLogChain(path), []);
  await writeFile(`${path}.2`, 'a\n');
  await writeFile(`${path}.1`, 'b\n');
  await writeFile(path, 'c\n');
  await writeFile(`${path}.bak`, 'not ours\n');
  const chain = await openLogChain(path);
  held.push(...chain);
  assert.deepEqual(await Promise.all(chain.map((f) => f.handle.readFile('utf8'))), ['a\n', 'b\n', 'c\n']);
});

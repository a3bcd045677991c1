import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, test } from 'node:test';
import { setImmediate, setTimeout as sleep } from 'node:timers/promises';

import { FakeShimLog } from './fake-shim-log.js';
import { readLogs, type ReadLogsOptions } from './read-logs.js';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'berth-follow-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const shimLog = (maxFiles = 5): FakeShimLog => new FakeShimLog(join(dir, 'container.log'), maxFiles);

/** A follow read running in the background, with the container's exit under the test's control. */
function follow(log: FakeShimLog, options: Partial<ReadLogsOptions> = {}) {
  let exit!: () => void;
  const untilExited = new Promise<void>((resolve) => (exit = resolve));
  const lines: string[] = [];
  const done = (async () => {
    const opts = { stdout: true, stderr: true, follow: true, untilExited, pollIntervalMs: 20, ...options };
    for await (const e of readLogs(log.path, opts)) lines.push(e.line.toString());
  })();
  const waitFor = async (n: number): Promise<void> => {
    for (let i = 0; lines.length < n; i++) {
      if (i > 500) assert.fail(`waited for ${n} entries, have ${JSON.stringify(lines)}`);
      await sleep(10);
    }
  };
  return { lines, done, exit, waitFor };
}

test('existing entries, then new ones, then what was written before the exit', async () => {
  const log = shimLog();
  await log.write('a\n');
  await log.write('b\n');
  const f = follow(log);
  await f.waitFor(2);
  await log.write('c\n');
  await log.write('d\n');
  await f.waitFor(4);
  await log.write('e\n');
  f.exit();
  await f.done;
  assert.deepEqual(f.lines, ['a\n', 'b\n', 'c\n', 'd\n', 'e\n']);
});

test('a line still being written is delivered once complete', async () => {
  const log = shimLog();
  const line = `${JSON.stringify({ log: 'slow\n', stream: 'stdout', time: FakeShimLog.timeOf(0) })}\n`;
  const f = follow(log);
  await log.writeRaw(line.slice(0, 20));
  await sleep(100);
  assert.deepEqual(f.lines, []);
  await log.writeRaw(line.slice(20));
  await f.waitFor(1);
  f.exit();
  await f.done;
  assert.deepEqual(f.lines, ['slow\n']);
});

test('a rotation in the middle: the old file is finished, then the new one read', async () => {
  const log = shimLog();
  await log.write('a\n');
  const it = readLogs(log.path, { stdout: true, stderr: true, follow: true, pollIntervalMs: 20 })[Symbol.asyncIterator]();
  assert.equal((await it.next()).value?.line.toString(), 'a\n');
  // The reader is paused holding FILE; the shim goes on without it.
  await log.write('b\n');
  await log.rotate();
  await log.write('c\n');
  await log.rotate();
  await log.write('d\n');
  for (const want of ['b\n', 'c\n', 'd\n']) assert.equal((await it.next()).value?.line.toString(), want);
  await it.return(undefined);
});

test('appends and rotations interleaved: nothing lost, nothing twice', async () => {
  const log = shimLog(100);
  const f = follow(log);
  const want: string[] = [];
  for (let i = 0; i < 1500; i++) {
    if (i % 37 === 36) await log.rotate();
    want.push(`line ${i}\n`);
    await log.write(`line ${i}\n`, i % 3 === 0 ? 'stderr' : 'stdout');
    if (i % 5 === 0) await setImmediate();
  }
  f.exit();
  await f.done;
  assert.equal(f.lines.length, want.length);
  assert.deepEqual(f.lines, want);
});

test('a reader left behind by rotations goes on with the oldest file kept', async () => {
  const log = shimLog(2);
  await log.write('a\n');
  await log.write('b\n');
  const it = readLogs(log.path, { stdout: true, stderr: true, follow: true, pollIntervalMs: 20 })[Symbol.asyncIterator]();
  assert.equal((await it.next()).value?.line.toString(), 'a\n');
  for (const text of ['c\n', 'd\n', 'e\n']) {
    await log.rotate();
    await log.write(text);
  }
  // The file holding c was rotated out before the reader got to it.
  for (const want of ['b\n', 'd\n', 'e\n']) assert.equal((await it.next()).value?.line.toString(), want);
  await it.return(undefined);
});

test('with max-file 1 the file is truncated in place and read again from the top', async () => {
  const log = shimLog(1);
  await log.write('a\n');
  await log.write('b\n');
  const f = follow(log);
  await f.waitFor(2);
  await log.rotate();
  await log.write('c\n');
  await f.waitFor(3);
  f.exit();
  await f.done;
  assert.deepEqual(f.lines, ['a\n', 'b\n', 'c\n']);
});

test('tail 0 delivers only what is written from now on', async () => {
  const log = shimLog();
  await log.write('old\n');
  const f = follow(log, { tail: 0 });
  await sleep(50);
  await log.write('new\n');
  await f.waitFor(1);
  f.exit();
  await f.done;
  assert.deepEqual(f.lines, ['new\n']);
});

test('following a log that does not exist yet picks it up when it appears', async () => {
  const log = shimLog();
  const f = follow(log);
  await sleep(50);
  await log.write('first\n');
  await f.waitFor(1);
  f.exit();
  await f.done;
  assert.deepEqual(f.lines, ['first\n']);
});

test('without inotify (no directory to watch yet) the poll finds new entries', async () => {
  const log = new FakeShimLog(join(dir, 'later', 'container.log'));
  const f = follow(log);
  await sleep(50);
  await mkdir(join(dir, 'later'));
  await log.write('polled\n');
  await f.waitFor(1);
  f.exit();
  await f.done;
  assert.deepEqual(f.lines, ['polled\n']);
});

test('an abort ends the follow quietly', async () => {
  const log = shimLog();
  await log.write('a\n');
  const abort = new AbortController();
  const f = follow(log, { signal: abort.signal });
  await f.waitFor(1);
  abort.abort();
  await f.done;
  assert.deepEqual(f.lines, ['a\n']);
});

test('a follow with until in the future ends when that time comes', async () => {
  const log = shimLog();
  const f = follow(log, { until: new Date(Date.now() + 100) });
  await f.done;
  assert.deepEqual(f.lines, []);
});

import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, rm, stat, utimes } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { text } from 'node:stream/consumers';

import { isBerthError } from '../errors.js';
import { LocalContentStore } from './content-store.js';
import { sha256Digest } from './digest.js';
import { writeBlob } from './write-blob.js';

const isCategory = (category: Parameters<typeof isBerthError>[1], re?: RegExp) => (e: unknown) =>
  isBerthError(e, category) && (re === undefined || re.test(e.message));

describe('LocalContentStore', () => {
  let root: string;
  let n = 0;
  const fresh = () => new LocalContentStore(path.join(root, `s${++n}`));

  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'berth-content-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('writes, verifies and reads back a blob at blobs/sha256/<hex>', async () => {
    const store = fresh();
    const data = Buffer.from('hello, blob');
    const digest = sha256Digest(data);
    const w = await store.writer('r1', { digest, size: data.length });
    assert.equal(w.offset, 0);
    await w.write(data.subarray(0, 5));
    await w.write(data.subarray(5));
    assert.equal(w.offset, data.length);
    assert.equal(w.digest(), digest);
    const info = await w.commit();
    assert.equal(info.digest, digest);
    assert.equal(info.size, data.length);

    const file = path.join(store.dir, 'blobs', 'sha256', digest.slice(7));
    assert.equal(store.blobPath(digest), file);
    assert.equal((await stat(file)).size, data.length);
    assert.equal((await stat(file)).mode & 0o777, 0o444);
    assert.deepEqual(await store.readAll(digest), data);
    assert.equal(await text(await store.read(digest)), 'hello, blob');
    assert.equal(await text(await store.read(digest, { start: 7, end: 10 })), 'blob');
    assert.ok(await store.has(digest));
    assert.equal((await store.info(digest)).size, data.length);
    assert.deepEqual(await readdir(store.ingestDir), [], 'the ingest is gone');
  });

  it('stores under the computed digest when nothing is expected', async () => {
    const store = fresh();
    const w = await store.writer('r');
    await w.write(Buffer.from('x'));
    assert.equal((await w.commit()).digest, sha256Digest('x'));
    assert.ok(await store.has(sha256Digest('x')));
  });

  it('orders writes that are not awaited one by one', async () => {
    const store = fresh();
    const w = await store.writer('r');
    const parts = Array.from({ length: 50 }, (_, i) => Buffer.from(`${i},`));
    await Promise.all(parts.map((p) => w.write(p)));
    const info = await w.commit();
    assert.equal(info.digest, sha256Digest(Buffer.concat(parts)));
  });

  it('refuses a digest mismatch and drops the ingest', async () => {
    const store = fresh();
    const w = await store.writer('bad', { digest: sha256Digest('right') });
    await w.write(Buffer.from('wrong'));
    await assert.rejects(
      w.commit(),
      isCategory('InvalidArgument', new RegExp(`^ingest "bad": digest mismatch: expected ${sha256Digest('right')}, got ${sha256Digest('wrong')}$`)),
    );
    assert.equal(await store.has(sha256Digest('wrong')), false);
    assert.equal(await store.has(sha256Digest('right')), false);
    assert.deepEqual(await store.ingests(), []);
    await assert.rejects(w.write(Buffer.from('x')), isCategory('FailedPrecondition', /writer is closed/));
  });

  it('refuses a truncated blob but lets the writer finish it', async () => {
    const store = fresh();
    const data = Buffer.from('0123456789');
    const w = await store.writer('short', { digest: sha256Digest(data), size: 10 });
    await w.write(data.subarray(0, 4));
    await assert.rejects(w.commit(), isCategory('InvalidArgument', /size mismatch: expected 10 bytes, got 4 \(truncated\)/));
    await w.write(data.subarray(4));
    assert.equal((await w.commit()).size, 10);
  });

  it('refuses an overlong blob', async () => {
    const store = fresh();
    const w = await store.writer('long', { digest: sha256Digest('abc'), size: 3 });
    await w.write(Buffer.from('abcd'));
    await assert.rejects(w.commit(), isCategory('InvalidArgument', /size mismatch: expected 3 bytes, got 4$/));
    assert.deepEqual(await store.ingests(), []);
  });

  it('resumes an ingest at its offset, also from another store object', async () => {
    const dir = path.join(root, 'resume');
    const data = Buffer.from('a'.repeat(3000) + 'b'.repeat(3000));
    const expected = { digest: sha256Digest(data), size: data.length };
    const first = await new LocalContentStore(dir).writer('layer-1', expected);
    await first.write(data.subarray(0, 3000));
    await first.close();

    const store = new LocalContentStore(dir);
    assert.deepEqual(
      (await store.ingests()).map((i) => [i.ref, i.offset]),
      [['layer-1', 3000]],
    );
    const w = await store.writer('layer-1');
    assert.equal(w.offset, 3000);
    await w.write(data.subarray(w.offset));
    // The expectation recorded by the first writer still applies.
    assert.equal((await w.commit()).digest, expected.digest);
  });

  it('starts over when a resumed ingest expected other content', async () => {
    const store = fresh();
    const a = await store.writer('ref', { digest: sha256Digest('aaaa') });
    await a.write(Buffer.from('aa'));
    await a.close();
    const b = await store.writer('ref', { digest: sha256Digest('bbbb') });
    assert.equal(b.offset, 0);
    await b.write(Buffer.from('bbbb'));
    assert.equal((await b.commit()).digest, sha256Digest('bbbb'));
  });

  it('lets one writer at a time have a ref', async () => {
    const store = fresh();
    const w = await store.writer('busy');
    await assert.rejects(store.writer('busy'), isCategory('Unavailable', /^ingest "busy": locked/));
    await assert.rejects(store.abortIngest('busy'), isCategory('Unavailable'));
    await w.close();
    const again = await store.writer('busy');
    await again.abort();
  });

  it('lets concurrent writers of one digest both succeed, keeping one blob', async () => {
    const store = fresh();
    const data = Buffer.alloc(256 * 1024, 7);
    const expected = { digest: sha256Digest(data), size: data.length };
    const writers = await Promise.all([1, 2, 3].map((i) => store.writer(`dup-${i}`, expected)));
    await Promise.all(writers.map((w) => w.write(data)));
    const infos = await Promise.all(writers.map((w) => w.commit()));
    for (const info of infos) assert.equal(info.digest, expected.digest);
    const listed = [];
    for await (const info of store.walk()) listed.push(info.digest);
    assert.deepEqual(listed, [expected.digest]);
    assert.deepEqual(await readdir(store.ingestDir), []);

    // And once more, committing what is already there.
    const late = await store.writer('dup-late', expected);
    await late.write(data);
    assert.equal((await late.commit()).size, data.length);
  });

  it('aborts: the ingest goes, nothing is stored', async () => {
    const store = fresh();
    const w = await store.writer('gone');
    await w.write(Buffer.from('partial'));
    await w.abort();
    await w.abort();
    assert.deepEqual(await readdir(store.ingestDir), []);
    assert.equal(await store.has(sha256Digest('partial')), false);
  });

  it('deletes and walks', async () => {
    const store = fresh();
    const digests = [];
    for (const s of ['one', 'two', 'three']) digests.push((await writeBlob(store, `w-${s}`, Buffer.from(s))).digest);
    const walked = [];
    for await (const info of store.walk()) walked.push(info.digest);
    assert.deepEqual(walked.sort(), [...digests].sort());

    await store.delete(digests[0] ?? '');
    assert.equal(await store.has(digests[0] ?? ''), false);
    await assert.rejects(store.delete(digests[0] ?? ''), isCategory('NotFound', /^blob sha256:[a-f0-9]{64}: not found$/));
    await assert.rejects(store.info(digests[0] ?? ''), isCategory('NotFound'));
    await assert.rejects(store.readAll(digests[0] ?? ''), isCategory('NotFound'));
    await assert.rejects(store.read(digests[0] ?? ''), isCategory('NotFound'));
  });

  it('walks an empty store', async () => {
    const walked = [];
    for await (const info of fresh().walk()) walked.push(info);
    assert.deepEqual(walked, []);
  });

  it('refuses malformed digests before touching the disk', async () => {
    const store = fresh();
    await assert.rejects(store.info('sha256:../../etc/passwd'), isCategory('InvalidArgument'));
    await assert.rejects(store.delete('nope'), isCategory('InvalidArgument'));
    await assert.rejects(store.writer('r', { digest: 'md5:abc' }), isCategory('InvalidArgument'));
    await assert.rejects(store.writer(''), isCategory('InvalidArgument'));
  });

  it('cleans up stale ingests but not open or recent ones', async () => {
    const store = fresh();
    const stale = await store.writer('stale');
    await stale.write(Buffer.from('x'));
    await stale.close();
    const old = new Date(Date.now() - 3_600_000);
    const [staleDir] = await readdir(store.ingestDir);
    await utimes(path.join(store.ingestDir, staleDir ?? '', 'data'), old, old);
    const open = await store.writer('open');
    const openDir = (await readdir(store.ingestDir)).find((d) => d !== staleDir) ?? '';
    await utimes(path.join(store.ingestDir, openDir, 'data'), old, old);
    const recent = await store.writer('recent');
    await recent.write(Buffer.from('y'));
    await recent.close();

    assert.deepEqual(await store.cleanupIngests(60_000), ['stale']);
    assert.deepEqual((await store.ingests()).map((i) => i.ref).sort(), ['open', 'recent']);
    await open.abort();
    assert.equal(await store.abortIngest('recent'), true);
    assert.equal(await store.abortIngest('recent'), false);
  });

  it('writeBlob skips content that is already there and restarts leftovers', async () => {
    const store = fresh();
    const data = Buffer.from('payload');
    const expected = { digest: sha256Digest(data), size: data.length };
    const left = await store.writer('wb', expected);
    await left.write(Buffer.from('junk'));
    await left.close();
    assert.equal((await writeBlob(store, 'wb', data, expected)).digest, expected.digest);
    assert.equal((await writeBlob(store, 'wb', (async function* () {})(), expected)).size, data.length);
    await assert.rejects(writeBlob(store, 'wb2', Buffer.from('other'), { digest: sha256Digest('else') }), /digest mismatch/);
    assert.deepEqual(await store.ingests(), []);
  });
});

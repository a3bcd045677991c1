import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { isBerthError } from '../errors.js';
import type { Descriptor } from './descriptor.js';
import { ImageStore } from './image-store.js';
import { MediaType } from './media-types.js';

const target = (c: string): Descriptor => ({ mediaType: MediaType.OciIndex, digest: `sha256:${c.repeat(64)}`, size: 123 });

describe('ImageStore', () => {
  let root: string;
  let n = 0;
  const freshRoot = () => path.join(root, `r${++n}`);

  before(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'berth-images-'));
  });
  after(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('starts empty', async () => {
    const store = new ImageStore(freshRoot());
    assert.deepEqual(await store.list(), []);
    await assert.rejects(store.get('busybox'), (e: unknown) => isBerthError(e, 'NotFound') && e.message === 'image "busybox": no such image');
  });

  it('stores names in full form and finds them by any form', async () => {
    const store = new ImageStore(freshRoot());
    const rec = await store.put('busybox', target('a'), { labels: { from: 'test' } });
    assert.equal(rec.name, 'docker.io/library/busybox:latest');
    assert.deepEqual(rec.target, target('a'));
    assert.deepEqual(rec.labels, { from: 'test' });
    for (const name of ['busybox', 'busybox:latest', 'library/busybox', 'docker.io/library/busybox:latest']) {
      assert.equal((await store.get(name)).target.digest, target('a').digest, name);
    }
    await assert.rejects(store.get('busybox:1'), (e: unknown) => isBerthError(e, 'NotFound'));
    await assert.rejects(store.get('Bad Name'), (e: unknown) => isBerthError(e, 'InvalidArgument'));
  });

  it('persists across instances, in one JSON file, without leftovers', async () => {
    const dir = freshRoot();
    await new ImageStore(dir).put('alpine:3.19', target('b'));
    await new ImageStore(dir).put('ghcr.io/x/y:1', target('c'));
    const again = new ImageStore(dir);
    assert.deepEqual(
      (await again.list()).map((r) => r.name),
      ['docker.io/library/alpine:3.19', 'ghcr.io/x/y:1'],
    );
    assert.deepEqual(await readdir(dir), ['images.json']);
    const doc = JSON.parse(await readFile(path.join(dir, 'images.json'), 'utf8')) as { version: number; images: Record<string, unknown> };
    assert.equal(doc.version, 1);
    assert.deepEqual(Object.keys(doc.images).sort(), ['docker.io/library/alpine:3.19', 'ghcr.io/x/y:1']);
  });

  it('retags: a put on an existing name moves it and keeps its creation time', async () => {
    const store = new ImageStore(freshRoot());
    const first = await store.put('app', target('a'), { labels: { l: '1' } });
    await new Promise((r) => setTimeout(r, 5));
    const second = await store.put('app', target('b'));
    assert.equal(second.createdAt, first.createdAt);
    assert.notEqual(second.updatedAt, first.updatedAt);
    assert.equal(second.target.digest, target('b').digest);
    assert.deepEqual(second.labels, { l: '1' }, 'labels stay unless replaced');
  });

  it('finds names by digest and deletes them', async () => {
    const store = new ImageStore(freshRoot());
    await store.put('a', target('a'));
    await store.put('b:1', target('a'));
    await store.put('c', target('c'));
    assert.deepEqual(
      (await store.byDigest(target('a').digest)).map((r) => r.name),
      ['docker.io/library/a:latest', 'docker.io/library/b:1'],
    );
    await store.delete('a');
    await assert.rejects(store.delete('a'), (e: unknown) => isBerthError(e, 'NotFound'));
    assert.deepEqual(
      (await store.byDigest(target('a').digest)).map((r) => r.name),
      ['docker.io/library/b:1'],
    );
    await assert.rejects(store.byDigest('nope'), (e: unknown) => isBerthError(e, 'InvalidArgument'));
  });

  it('serializes concurrent mutations, also across instances of one root', async () => {
    const dir = freshRoot();
    const stores = [new ImageStore(dir), new ImageStore(dir)];
    await Promise.all(
      Array.from({ length: 40 }, (_, i) => stores[i % 2]?.put(`img${i}`, target((i % 16).toString(16)))),
    );
    const names = (await new ImageStore(dir).list()).map((r) => r.name);
    assert.equal(names.length, 40);
    await Promise.all(Array.from({ length: 20 }, (_, i) => stores[i % 2]?.delete(`img${i}`)));
    assert.equal((await new ImageStore(dir).list()).length, 20);
  });

  it('refuses a bad target', async () => {
    const store = new ImageStore(freshRoot());
    await assert.rejects(store.put('x', { ...target('a'), digest: 'sha256:xyz' }), (e: unknown) => isBerthError(e, 'InvalidArgument'));
    await assert.rejects(store.put('x', { ...target('a'), size: -1 }), (e: unknown) => isBerthError(e, 'InvalidArgument'));
  });

  it('reports a corrupt file instead of treating it as empty', async () => {
    const dir = freshRoot();
    await new ImageStore(dir).put('x', target('a'));
    await writeFile(path.join(dir, 'images.json'), '{"version":1,"images":{"x":{"target":{}}}}');
    await assert.rejects(new ImageStore(dir).list(), (e: unknown) => isBerthError(e, 'Internal') && /unreadable image index/.test(e.message));
    await writeFile(path.join(dir, 'images.json'), '{"vers');
    await assert.rejects(new ImageStore(dir).get('x'), (e: unknown) => isBerthError(e, 'Internal'));
  });
});

import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import { isBerthError } from '../errors.js';
import { chainId, chainIds } from './chain-id.js';
import { OverlaySnapshotter } from './overlay.js';

async function withSnapshotter(fn: (sn: OverlaySnapshotter, dir: string) => Promise<void>): Promise<void> {
  const root = await mkdtemp(path.join(tmpdir(), 'berth-snap-'));
  try {
    const dir = path.join(root, 'snapshots');
    await fn(await OverlaySnapshotter.open(dir, { indexOff: true }), dir);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

const d = (c: string): string => `sha256:${c.repeat(64)}`;

test('chainIds: the first is the diffID, then sha256 of "parent diffID"', () => {
  const ids = chainIds([d('a'), d('b'), d('c')]);
  const h = (s: string): string => `sha256:${createHash('sha256').update(s).digest('hex')}`;
  const second = h(`${d('a')} ${d('b')}`);
  assert.deepEqual(ids, [d('a'), second, h(`${second} ${d('c')}`)]);
  assert.equal(chainId(undefined, d('a')), d('a'));
  assert.deepEqual(chainIds([]), []);
  assert.throws(() => chainIds(['sha256:nope']), (e: unknown) => isBerthError(e, 'InvalidArgument'));
});

test('prepare, commit, view and their mounts', async () => {
  await withSnapshotter(async (sn, dir) => {
    const m0 = await sn.prepare('l0');
    assert.deepEqual(m0, [{ type: 'bind', source: path.join(dir, '1', 'fs'), options: ['rbind', 'rw'] }]);
    await writeFile(path.join(sn.fsDir('l0'), 'f'), 'x'.repeat(10_000));
    await sn.commit('c0', 'l0');
    await assert.rejects(readdir(path.join(dir, '1', 'work')), { code: 'ENOENT' });

    await sn.prepare('l1', 'c0');
    await sn.commit('c1', 'l1');

    const m = await sn.prepare('container', 'c1', { labels: { owner: 'test' } });
    assert.deepEqual(m, [
      {
        type: 'overlay',
        source: 'overlay',
        options: [
          'index=off',
          `workdir=${path.join(dir, '3', 'work')}`,
          `upperdir=${path.join(dir, '3', 'fs')}`,
          `lowerdir=${path.join(dir, '2', 'fs')}:${path.join(dir, '1', 'fs')}`,
        ],
      },
    ]);
    assert.deepEqual(await sn.mounts('container'), m);

    assert.deepEqual(await sn.view('v1', 'c0'), [{ type: 'bind', source: path.join(dir, '1', 'fs'), options: ['rbind', 'ro'] }]);
    assert.deepEqual(await sn.view('v2', 'c1'), [
      { type: 'overlay', source: 'overlay', options: ['index=off', `lowerdir=${path.join(dir, '2', 'fs')}:${path.join(dir, '1', 'fs')}`] },
    ]);
    assert.deepEqual(await sn.view('v0'), [{ type: 'bind', source: path.join(dir, '6', 'fs'), options: ['rbind', 'ro'] }]);

    const info = await sn.stat('container');
    assert.deepEqual([info.name, info.kind, info.parent, info.labels], ['container', 'active', 'c1', { owner: 'test' }]);
    assert.deepEqual(
      (await sn.list()).map((i) => [i.name, i.kind, i.parent]).sort(),
      [
        ['c0', 'committed', undefined],
        ['c1', 'committed', 'c0'],
        ['container', 'active', 'c1'],
        ['v0', 'view', undefined],
        ['v1', 'view', 'c0'],
        ['v2', 'view', 'c1'],
      ],
    );
    const usage = await sn.usage('c0');
    assert.ok(usage.size >= 10_000 && usage.inodes === 2, JSON.stringify(usage));
  });
});

test('errors: exists, missing, wrong kind, in use', async () => {
  await withSnapshotter(async (sn) => {
    await sn.prepare('a');
    await assert.rejects(sn.prepare('a'), (e: unknown) => {
      assert.ok(isBerthError(e, 'AlreadyExists'));
      assert.equal(e.message, 'snapshot "a": already exists');
      return true;
    });
    await assert.rejects(sn.prepare('b', 'a'), (e: unknown) => {
      assert.ok(isBerthError(e, 'FailedPrecondition'));
      assert.equal(e.message, 'snapshot "a": is active: only a committed snapshot can be a parent');
      return true;
    });
    await assert.rejects(sn.prepare('b', 'nope'), (e: unknown) => isBerthError(e, 'NotFound'));
    await assert.rejects(sn.stat('nope'), { message: 'snapshot "nope": does not exist' });
    await assert.rejects(sn.remove('nope'), (e: unknown) => isBerthError(e, 'NotFound'));
    await sn.commit('base', 'a');
    await assert.rejects(sn.stat('a'), (e: unknown) => isBerthError(e, 'NotFound'));
    await assert.rejects(sn.mounts('base'), (e: unknown) => isBerthError(e, 'FailedPrecondition'));
    await sn.view('v', 'base');
    await assert.rejects(sn.commit('x', 'v'), (e: unknown) => isBerthError(e, 'FailedPrecondition'));
    await sn.prepare('c', 'base');
    await assert.rejects(sn.commit('base', 'c'), (e: unknown) => isBerthError(e, 'AlreadyExists'));

    await assert.rejects(sn.remove('base'), (e: unknown) => {
      assert.ok(isBerthError(e, 'FailedPrecondition'));
      assert.equal(e.message, 'snapshot "base": is in use by "v", "c"');
      return true;
    });
    await sn.remove('v');
    await assert.rejects(sn.remove('base'), /is in use by "c"$/);
    await sn.remove('c');
    await sn.remove('base');
    assert.deepEqual(await sn.list(), []);
  });
});

test('metadata survives reopening; leftovers of interrupted operations are removed', async () => {
  await withSnapshotter(async (sn, dir) => {
    await sn.prepare('a');
    await sn.commit('base', 'a');
    await sn.prepare('c', 'base');
    await mkdir(path.join(dir, '99', 'fs'), { recursive: true }); // a prepare that crashed before saving
    await writeFile(path.join(dir, 'metadata.json.tmp-123'), '{');
    const again = await OverlaySnapshotter.open(dir, { indexOff: false });
    assert.deepEqual((await again.list()).map((i) => i.name).sort(), ['base', 'c']);
    assert.deepEqual((await readdir(dir)).sort(), ['1', '2', 'metadata.json']);
    const [m] = await again.mounts('c');
    assert.equal(m?.options[0]?.startsWith('workdir='), true, 'no index=off when not asked');
    const doc = JSON.parse(await readFile(path.join(dir, 'metadata.json'), 'utf8')) as { nextId: number };
    assert.equal(doc.nextId, 3);
  });
});

test('concurrent prepares get distinct directories', async () => {
  await withSnapshotter(async (sn) => {
    await Promise.all(Array.from({ length: 20 }, (_, i) => sn.prepare(`k${i}`)));
    const dirs = new Set((await sn.list()).map((i) => sn.fsDir(i.name)));
    assert.equal(dirs.size, 20);
    const results = await Promise.allSettled([sn.prepare('same'), sn.prepare('same')]);
    assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
  });
});

test('a snapshotter directory with "," or ":" is refused', async () => {
  await assert.rejects(OverlaySnapshotter.open('/tmp/a:b'), (e: unknown) => isBerthError(e, 'InvalidArgument'));
});

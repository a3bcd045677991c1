import assert from 'node:assert/strict';
import { link, mkdir, mkdtemp, readFile, readdir, realpath, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { test } from 'node:test';

import { isBerthError } from '../../errors.js';
import { VolumeService, type VolumeServiceOptions } from './volume-service.js';

async function withService(fn: (s: VolumeService, root: string) => Promise<void>, options: VolumeServiceOptions = {}): Promise<void> {
  const root = await mkdtemp(path.join(tmpdir(), 'berth-volumes-'));
  try {
    await fn(await VolumeService.open(root, options), root);
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

const rejectsWith = (p: Promise<unknown>, category: string, message: string | RegExp) =>
  assert.rejects(p, (e: unknown) => {
    assert.ok(isBerthError(e), String(e));
    assert.equal(e.category, category);
    if (typeof message === 'string') assert.equal(e.message, message);
    else assert.match(e.message, message);
    return true;
  });

test('create and inspect give Docker’s volume shape, with a record on disk', async () => {
  await withService(async (s, root) => {
    const v = await s.create({ Name: 'data', Labels: { app: 'web' } });
    const dir = await s.mountpoint('data');
    assert.deepEqual(v, {
      Name: 'data',
      Driver: 'local',
      Mountpoint: dir,
      CreatedAt: v.CreatedAt,
      Labels: { app: 'web' },
      Scope: 'local',
      Options: {},
    });
    assert.match(v.CreatedAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.equal(dir, path.join(await realRoot(root), 'volumes', 'data', '_data'));
    assert.equal((await stat(dir)).mode & 0o7777, 0o755);
    assert.deepEqual(await s.inspect('data'), v);
    const rec = JSON.parse(await readFile(path.join(dir, '..', 'volume.json'), 'utf8')) as Record<string, unknown>;
    assert.equal(rec.name, 'data');
    assert.equal(rec.populated, false);
    // Another service on the same root sees it (state is on disk, not in memory).
    assert.deepEqual(await (await VolumeService.open(root)).inspect('data'), v);
  });
});

const realRoot = (root: string): Promise<string> => realpath(root);

test('creating an existing name returns the existing volume unchanged', async () => {
  await withService(async (s) => {
    const first = await s.create({ Name: 'data', Labels: { a: '1' } });
    await writeFile(path.join(first.Mountpoint, 'keep'), 'x');
    const again = await s.create({ Name: 'data', Labels: { b: '2' } });
    assert.deepEqual(again, first);
    assert.equal(await readFile(path.join(first.Mountpoint, 'keep'), 'utf8'), 'x');
  });
});

test('a volume without a name is anonymous: 64 hex digits and the anonymous label', async () => {
  await withService(async (s) => {
    const v = await s.create();
    assert.match(v.Name, /^[0-9a-f]{64}$/);
    assert.deepEqual(v.Labels, { 'com.docker.volume.anonymous': '' });
    assert.equal(await s.isAnonymous(v.Name), true);
    const named = await s.create({ Name: 'named' });
    assert.equal(await s.isAnonymous(named.Name), false);
    assert.equal(await s.isAnonymous('nothing'), false);
    const other = await s.create({ anonymous: true });
    assert.notEqual(other.Name, v.Name);
  });
});

test('names, drivers and options are checked as Docker checks them', async () => {
  await withService(async (s) => {
    await rejectsWith(s.create({ Name: 'a' }), 'InvalidArgument', 'volume name is too short, names should be at least two alphanumeric characters');
    for (const bad of ['../x', '_x', 'a/b', '.hidden', 'sp ace']) {
      await rejectsWith(s.create({ Name: bad }), 'InvalidArgument', /includes invalid characters for a local volume name/);
    }
    await rejectsWith(s.create({ Name: 'vv', Driver: 'nfs-plugin' }), 'InvalidArgument', /the only volume driver is "local"/);
    await rejectsWith(s.create({ Name: 'vv', DriverOpts: { foo: 'bar' } }), 'InvalidArgument', 'invalid option: "foo"');
    await rejectsWith(s.create({ Name: 'vv', DriverOpts: { type: 'tmpfs' } }), 'InvalidArgument', 'missing required option: "device"');
    await rejectsWith(s.create({ Name: 'vv', DriverOpts: { size: '10m' } }), 'InvalidArgument', 'quota size requested but no quota support');
    assert.deepEqual(await s.list(), []);
    const ok = await s.create({ Name: 'a.b_c-1', Driver: 'local' });
    assert.equal(ok.Name, 'a.b_c-1');
  });
});

test('unknown volumes: NotFound "get x: no such volume"; force makes remove succeed', async () => {
  await withService(async (s) => {
    await rejectsWith(s.inspect('nope'), 'NotFound', 'get nope: no such volume');
    await rejectsWith(s.inspect('../etc'), 'NotFound', 'get ../etc: no such volume');
    await rejectsWith(s.remove('nope'), 'NotFound', 'get nope: no such volume');
    await rejectsWith(s.mountpoint('nope'), 'NotFound', 'get nope: no such volume');
    await s.remove('nope', { force: true });
  });
});

test('list filters: name (a pattern), label, driver, dangling', async () => {
  const inUse = new Map([['web-data', ['c1']]]);
  await withService(
    async (s) => {
      await s.create({ Name: 'web-data', Labels: { app: 'web', tier: 'front' } });
      await s.create({ Name: 'db-data', Labels: { app: 'db' } });
      await s.create({ Name: 'scratch' });
      const names = async (filters: Record<string, string[] | Record<string, boolean>>) =>
        (await s.list({ filters })).map((v) => v.Name);
      assert.deepEqual(await names({}), ['db-data', 'scratch', 'web-data']);
      assert.deepEqual(await names({ name: ['data'] }), ['db-data', 'web-data']);
      assert.deepEqual(await names({ name: ['^web'] }), ['web-data']);
      assert.deepEqual(await names({ label: ['app'] }), ['db-data', 'web-data']);
      assert.deepEqual(await names({ label: ['app=db'] }), ['db-data']);
      assert.deepEqual(await names({ label: ['app=web', 'tier=front'] }), ['web-data']);
      assert.deepEqual(await names({ label: { 'app=web': true } }), ['web-data']);
      assert.deepEqual(await names({ driver: ['local'] }), ['db-data', 'scratch', 'web-data']);
      assert.deepEqual(await names({ driver: ['other'] }), []);
      assert.deepEqual(await names({ dangling: ['true'] }), ['db-data', 'scratch']);
      assert.deepEqual(await names({ dangling: ['0'] }), ['web-data']);
      await rejectsWith(s.list({ filters: { dangling: ['maybe'] } }), 'InvalidArgument', "invalid filter 'dangling=maybe'");
      await rejectsWith(s.list({ filters: { colour: ['red'] } }), 'InvalidArgument', "invalid filter 'colour'");
    },
    { inUse: () => Promise.resolve(inUse) },
  );
});

test('a volume in use is not removed, even with force', async () => {
  const inUse = new Map<string, string[]>([['data', ['c1', 'c2']]]);
  await withService(
    async (s) => {
      const v = await s.create({ Name: 'data' });
      await writeFile(path.join(v.Mountpoint, 'f'), 'x');
      await rejectsWith(s.remove('data'), 'Conflict', 'remove data: volume is in use - [c1, c2]');
      await rejectsWith(s.remove('data', { force: true }), 'Conflict', /in use/);
      inUse.clear();
      // A mount reference taken here counts as a user too.
      await s.mount('data', 'c3');
      await rejectsWith(s.remove('data'), 'Conflict', 'remove data: volume is in use - [c3]');
      await s.unmount('data', 'c3');
      await s.remove('data');
      await rejectsWith(s.inspect('data'), 'NotFound', /no such volume/);
      assert.deepEqual(await readdir(s.dir), []);
    },
    { inUse: () => Promise.resolve(inUse) },
  );
});

test('usage data: size in bytes (hard links once) and the number of users', async () => {
  await withService(
    async (s) => {
      const v = await s.create({ Name: 'data' });
      await mkdir(path.join(v.Mountpoint, 'sub'));
      await writeFile(path.join(v.Mountpoint, 'sub', 'a'), Buffer.alloc(1000));
      await writeFile(path.join(v.Mountpoint, 'b'), Buffer.alloc(234));
      await link(path.join(v.Mountpoint, 'b'), path.join(v.Mountpoint, 'b2'));
      assert.equal(await s.usage('data'), 1234);
      assert.deepEqual((await s.inspect('data', { usage: true })).UsageData, { Size: 1234, RefCount: 1 });
      assert.deepEqual((await s.list({ usage: true }))[0]?.UsageData, { Size: 1234, RefCount: 1 });
      assert.equal((await s.inspect('data')).UsageData, undefined);
    },
    { inUse: () => Promise.resolve(new Map([['data', ['c1']]])) },
  );
});

test('prune removes unused anonymous volumes, or all unused ones with all=true', async () => {
  const inUse = new Map<string, string[]>();
  await withService(
    async (s) => {
      const anon = await s.create();
      await writeFile(path.join(anon.Mountpoint, 'f'), Buffer.alloc(100));
      const busy = await s.create();
      inUse.set(busy.Name, ['c1']);
      await s.create({ Name: 'named', Labels: { keep: 'no' } });
      await s.create({ Name: 'kept', Labels: { keep: 'yes' } });
      await s.create({ Name: 'mounted', DriverOpts: { type: 'tmpfs', device: 'tmpfs' } });

      assert.deepEqual(await s.prune(), { VolumesDeleted: [anon.Name], SpaceReclaimed: 100 });
      assert.deepEqual(await s.prune({ filters: { all: ['true'], 'label!': ['keep=yes'] } }), {
        VolumesDeleted: ['named'],
        SpaceReclaimed: 0,
      });
      // Volumes with mount options are never pruned; the one in use stays.
      assert.deepEqual(await s.prune({ filters: { all: ['1'] } }), { VolumesDeleted: ['kept'], SpaceReclaimed: 0 });
      assert.deepEqual((await s.list()).map((v) => v.Name).sort(), [busy.Name, 'mounted'].sort());
      await rejectsWith(s.prune({ filters: { dangling: ['true'] } }), 'InvalidArgument', "invalid filter 'dangling'");
      await rejectsWith(s.prune({ filters: { all: ['perhaps'] } }), 'InvalidArgument', "invalid filter 'all=perhaps'");
    },
    { inUse: () => Promise.resolve(inUse) },
  );
});

test('concurrent creates of one name make one intact volume', async () => {
  await withService(async (s, root) => {
    const other = await VolumeService.open(root);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? s : other).create({ Name: 'shared', Labels: { n: String(i) } })),
    );
    for (const r of results) assert.deepEqual(r, results[0]);
    assert.deepEqual(await readdir(path.join(s.dir, 'shared')), ['_data', 'volume.json']);
    assert.equal((await s.list()).length, 1);
    // And removes racing creates leave either a whole volume or none.
    await Promise.all([s.remove('shared'), other.create({ Name: 'shared' }), s.remove('shared', { force: true })]);
    const left = await readdir(s.dir);
    assert.ok(left.length === 0 || (left.length === 1 && left[0] === 'shared'), left.join());
    if (left.length === 1) assert.deepEqual((await readdir(path.join(s.dir, 'shared'))).sort(), ['_data', 'volume.json']);
  });
});

test('open clears an interrupted removal and an interrupted empty creation, keeps data', async () => {
  await withService(async (s, root) => {
    await mkdir(path.join(s.dir, '.removing-old-abc', '_data'), { recursive: true });
    await mkdir(path.join(s.dir, 'halfmade', '_data'), { recursive: true });
    await mkdir(path.join(s.dir, 'orphan', '_data'), { recursive: true });
    await writeFile(path.join(s.dir, 'orphan', '_data', 'precious'), 'x');
    await VolumeService.open(root);
    assert.deepEqual((await readdir(s.dir)).sort(), ['orphan']);
    // A create of the orphan's name takes it over, data included.
    const v = await s.create({ Name: 'orphan' });
    assert.equal(await readFile(path.join(v.Mountpoint, 'precious'), 'utf8'), 'x');
  });
});

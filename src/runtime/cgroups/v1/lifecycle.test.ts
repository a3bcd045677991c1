import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { afterEach, test } from 'node:test';

import { isBerthError } from '../../../errors.js';
import { detectCgroupManager } from '../detect.js';
import { makeFakeV1, type FakeTree } from '../fake-trees.js';
import type { CgroupManager } from '../manager.js';
import type { ManagerOptions } from '../options.js';

const trees: FakeTree[] = [];
afterEach(async () => {
  for (const t of trees.splice(0)) await t.cleanup();
});

async function setup(options: ManagerOptions = {}): Promise<{ t: FakeTree; m: CgroupManager }> {
  const t = await makeFakeV1();
  trees.push(t);
  return { t, m: detectCgroupManager({ root: t.root, mountinfo: t.mountinfo, fs: t.fs, ...options }) };
}

test('stats are read from the v1 files and converted', async () => {
  const { t, m } = await setup();
  const cg = await m.create('berth/x');
  const x = (f: string): string => f.replace(/^([^/]+)\//, '$1/berth/x/');
  await t.set(x('cpu,cpuacct/cpuacct.usage'), '2500000000\n');
  await t.set(x('cpu,cpuacct/cpuacct.stat'), 'user 150\nsystem 50\n');
  await t.set(x('cpu,cpuacct/cpu.stat'), 'nr_periods 10\nnr_throttled 3\nthrottled_time 7000\n');
  await t.set(x('memory/memory.usage_in_bytes'), '4096000\n');
  await t.set(x('memory/memory.limit_in_bytes'), '104857600\n');
  await t.set(x('memory/memory.max_usage_in_bytes'), '8192000\n');
  await t.set(x('memory/memory.stat'), 'cache 100\nrss 200\ntotal_cache 1234\ntotal_rss 200\n');
  await t.set(x('memory/memory.oom_control'), 'oom_kill_disable 0\nunder_oom 0\noom_kill 2\n');
  await t.set(x('memory/memory.failcnt'), '17\n');
  await t.set(x('pids/pids.current'), '3\n');
  await t.set(x('pids/pids.max'), '100\n');
  await t.set(x('blkio/blkio.throttle.io_service_bytes'), '8:0 Read 4096\n8:0 Write 8192\n8:0 Total 12288\n8:16 Read 1\n8:16 Write 0\nTotal 12289\n');
  await t.set(x('blkio/blkio.throttle.io_serviced'), '8:0 Read 1\n8:0 Write 2\n8:0 Total 3\nTotal 3\n');
  assert.deepEqual(await cg.stats(), {
    cpu: { usageNanos: 2500000000, userNanos: 1500000000, systemNanos: 500000000, throttledPeriods: 3, throttledNanos: 7000 },
    memory: { usage: 4096000, limit: 104857600, maxUsage: 8192000, cache: 1234, oomEvents: 2, oomKills: 2, limitHits: 17, stat: { cache: 100, rss: 200, total_cache: 1234, total_rss: 200 } },
    pids: { current: 3, limit: 100 },
    io: { readBytes: 4097, writeBytes: 8192, readOps: 1, writeOps: 2 },
  });
});

test('a fresh cgroup reports unlimited limits as null', async () => {
  const { m } = await setup();
  const s = await (await m.create('berth/x')).stats();
  assert.equal(s.memory.limit, null);
  assert.equal(s.pids.limit, null);
});

test('stats of a missing cgroup is NotFound', async () => {
  const { m } = await setup();
  await assert.rejects(m.open('berth/gone').stats(), (e: unknown) => isBerthError(e, 'NotFound') && e.message === 'cgroup "berth/gone": not found');
});

test('pids includes child cgroups', async () => {
  const { t, m } = await setup();
  const cg = await m.create('berth/x');
  await t.set('pids/berth/x/cgroup.procs', '10\n11\n');
  await mkdir(join(t.root, 'pids/berth/x/sub'));
  await writeFile(join(t.root, 'pids/berth/x/sub/cgroup.procs'), '12\n');
  assert.deepEqual(await cg.pids(), [10, 11, 12]);
});

test('freeze and thaw wait for freezer.state, re-writing through FREEZING', async () => {
  const { t, m } = await setup();
  const cg = await m.create('berth/x');
  // The fake kernel stays FREEZING for the first two writes of FROZEN.
  let stubborn = 2;
  t.fs.afterWrite = async (path, data) => {
    if (basename(path) === 'freezer.state' && data === 'FROZEN' && stubborn-- > 0) await writeFile(path, 'FREEZING\n');
  };
  t.fs.writes.length = 0;
  await cg.freeze();
  assert.equal((await t.read('freezer/berth/x/freezer.state')).trim(), 'FROZEN');
  assert.deepEqual(t.fs.writesUnder('sys/fs/cgroup/freezer/berth/x/'), ['freezer.state=FROZEN', 'freezer.state=FROZEN', 'freezer.state=FROZEN']);
  await cg.thaw();
  assert.equal((await t.read('freezer/berth/x/freezer.state')).trim(), 'THAWED');
});

test('a cgroup that will not freeze is thawed again and reported', async () => {
  const { t, m } = await setup({ freezeTimeoutMs: 30 });
  const cg = await m.create('berth/x');
  t.fs.afterWrite = async (path, data) => {
    if (basename(path) === 'freezer.state' && data === 'FROZEN') await writeFile(path, 'FREEZING\n');
  };
  await assert.rejects(cg.freeze(), (e: unknown) => isBerthError(e, 'Unavailable') && e.message === 'cgroup "berth/x": freezer.state: not FROZEN after 30 ms');
  assert.equal((await t.read('freezer/berth/x/freezer.state')).trim(), 'THAWED');
});

test('killAll signals every pid once, and for SIGKILL until the cgroup is empty, thawing it', async () => {
  const sent: string[] = [];
  let procs = '';
  const { t, m } = await setup({
    kill: (pid, signal) => {
      sent.push(`${pid}:${signal}`);
      if (signal === 'SIGKILL') {
        // pid 20 forks 21 before dying; 21 dies on the next pass
        procs = pid === 20 ? '21\n' : '';
        if (pid === 21) procs = '';
      }
    },
  });
  const cg = await m.create('berth/x');
  const procsFile = join(t.root, 'pids/berth/x/cgroup.procs');
  await writeFile(procsFile, '20\n');
  await cg.killAll('SIGTERM');
  assert.deepEqual(sent, ['20:SIGTERM']);

  sent.length = 0;
  await t.set('freezer/berth/x/freezer.state', 'FROZEN\n');
  const real = t.fs.readFile.bind(t.fs);
  t.fs.readFile = async (path) => (path === procsFile ? procs : real(path));
  procs = '20\n';
  await cg.killAll('SIGKILL');
  assert.deepEqual(sent, ['20:SIGKILL', '21:SIGKILL']);
  // frozen v1 tasks only die once thawed
  assert.equal((await readFile(join(t.root, 'freezer/berth/x/freezer.state'), 'utf8')).trim(), 'THAWED');
});

test('destroy removes the cgroup and its children in every hierarchy, keeping the parent', async () => {
  const { t, m } = await setup();
  const cg = await m.create('berth/x');
  await m.create('berth/x/sub');
  await m.create('berth/y');
  await cg.destroy();
  assert.equal(await cg.exists(), false);
  for (const d of cg.procsDirs) {
    assert.equal(await t.fs.exists(d), false, d);
    assert.equal(await t.fs.exists(dirname(d)), true, dirname(d));
  }
  assert.equal(await m.open('berth/y').exists(), true);
  await cg.destroy(); // already gone: fine
});

test('destroy retries EBUSY while tasks detach, then gives up naming the directory', async () => {
  const { t, m } = await setup({ destroyTimeoutMs: 100 });
  const cg = await m.create('berth/x');
  t.fs.failOn('rmdir', 'sys/fs/cgroup/memory/berth/x', 'EBUSY', 3);
  await cg.destroy();
  assert.equal(await cg.exists(), false);

  const cg2 = await m.create('berth/z');
  t.fs.failOn('rmdir', 'sys/fs/cgroup/pids/berth/z', 'EBUSY');
  await assert.rejects(
    cg2.destroy(),
    (e: unknown) =>
      isBerthError(e, 'FailedPrecondition') && e.message === `cgroup "berth/z": rmdir ${join(t.root, 'pids/berth/z')}: device or resource busy`,
  );
  // the other hierarchies were still cleaned up
  assert.equal(await t.fs.exists(join(t.root, 'memory/berth/z')), false);
});

test('updating a cgroup that is gone is NotFound', async () => {
  const { m } = await setup();
  await assert.rejects(m.open('berth/gone').update({ pids: { limit: 1 } }), (e: unknown) => isBerthError(e, 'NotFound') && e.message.startsWith('cgroup "berth/gone": not found'));
  // and killing or destroying it is a no-op
  await m.open('berth/gone').killAll('SIGKILL');
  await m.open('berth/gone').destroy();
});

import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { mkdir, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';

import { isBerthError } from '../../../errors.js';
import { detectCgroupManager } from '../detect.js';
import { makeFakeV2, type FakeTree } from '../fake-trees.js';
import type { CgroupManager } from '../manager.js';
import type { ManagerOptions } from '../options.js';

const trees: FakeTree[] = [];
afterEach(async () => {
  for (const t of trees.splice(0)) await t.cleanup();
});

async function setup(options: ManagerOptions = {}, tree: Parameters<typeof makeFakeV2>[0] = {}): Promise<{ t: FakeTree; m: CgroupManager }> {
  const t = await makeFakeV2(tree);
  trees.push(t);
  return { t, m: detectCgroupManager({ root: t.root, mountinfo: t.mountinfo, fs: t.fs, ...options }) };
}

test('stats are read from the v2 files and converted', async () => {
  const { t, m } = await setup();
  const cg = await m.create('berth/x');
  await t.set('berth/x/cpu.stat', 'usage_usec 2500000\nuser_usec 1500000\nsystem_usec 1000000\nnr_periods 10\nnr_throttled 4\nthrottled_usec 300\n');
  await t.set('berth/x/memory.current', '4096000\n');
  await t.set('berth/x/memory.max', '104857600\n');
  await t.set('berth/x/memory.peak', '8192000\n');
  await t.set('berth/x/memory.stat', 'anon 100\nfile 1234\nkernel 5\n');
  await t.set('berth/x/memory.events', 'low 0\nhigh 0\nmax 9\noom 3\noom_kill 2\noom_group_kill 0\n');
  await t.set('berth/x/pids.current', '3\n');
  await t.set('berth/x/pids.max', 'max\n');
  await t.set('berth/x/io.stat', '8:0 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0\n8:16 rbytes=1 wbytes=0 rios=1 wios=0 dbytes=0 dios=0\n');
  assert.deepEqual(await cg.stats(), {
    cpu: { usageNanos: 2500000000, userNanos: 1500000000, systemNanos: 1000000000, throttledPeriods: 4, throttledNanos: 300000 },
    memory: { usage: 4096000, limit: 104857600, maxUsage: 8192000, cache: 1234, oomEvents: 3, oomKills: 2, limitHits: 9, stat: { anon: 100, file: 1234, kernel: 5 } },
    pids: { current: 3, limit: null },
    io: { readBytes: 4097, writeBytes: 8192, readOps: 2, writeOps: 2 },
  });
});

test('without memory.peak (before 5.19) maxUsage is null', async () => {
  const { m } = await setup();
  const cg = await m.create('berth/x');
  await rm(join(cg.procsDirs[0] ?? '', 'memory.peak'));
  assert.equal((await cg.stats()).memory.maxUsage, null);
});

test('freeze and thaw follow cgroup.events', async () => {
  const { t, m } = await setup();
  const cg = await m.create('berth/x');
  t.fs.writes.length = 0;
  await cg.freeze();
  assert.match(await t.read('berth/x/cgroup.events'), /frozen 1/);
  await cg.thaw();
  assert.match(await t.read('berth/x/cgroup.events'), /frozen 0/);
  assert.deepEqual(t.fs.writesUnder('sys/fs/cgroup/berth/x/'), ['cgroup.freeze=1', 'cgroup.freeze=0']);
});

test('a freeze that does not settle is undone and reported', async () => {
  const { t, m } = await setup({ freezeTimeoutMs: 30 });
  const cg = await m.create('berth/x');
  t.fs.afterWrite = async () => undefined; // the fake kernel never reports "frozen 1"
  await assert.rejects(cg.freeze(), (e: unknown) => isBerthError(e, 'Unavailable') && e.message === 'cgroup "berth/x": cgroup.events: not frozen after 30 ms');
  assert.equal((await t.read('berth/x/cgroup.freeze')).trim(), '0');
});

test('SIGKILL uses cgroup.kill; other signals go to each pid', async () => {
  const sent: string[] = [];
  const { t, m } = await setup({ kill: (pid, signal) => void sent.push(`${pid}:${signal}`) });
  const cg = await m.create('berth/x');
  await t.set('berth/x/cgroup.procs', '30\n31\n');
  await cg.killAll('SIGTERM');
  assert.deepEqual(sent, ['30:SIGTERM', '31:SIGTERM']);
  sent.length = 0;
  await cg.killAll('SIGKILL');
  assert.deepEqual(sent, []);
  assert.deepEqual(t.fs.writesUnder('sys/fs/cgroup/berth/x/'), ['cgroup.kill=1']);
  assert.deepEqual(await cg.pids(), []);
});

test('without cgroup.kill, SIGKILL is sent to each pid until none is left', async () => {
  const sent: string[] = [];
  let procsFile = '';
  const { t, m } = await setup(
    {
      kill: (pid, signal) => {
        sent.push(`${pid}:${signal}`);
        writeFileSync(procsFile, '');
      },
    },
    { kill: false },
  );
  const cg = await m.create('berth/x');
  procsFile = join(t.root, 'berth/x/cgroup.procs');
  await t.set('berth/x/cgroup.procs', '40\n');
  await cg.killAll('SIGKILL');
  assert.deepEqual(sent.slice(0, 1), ['40:SIGKILL']);
  assert.deepEqual(await cg.pids(), []);
});

test('a process that will not die is reported', async () => {
  const { t, m } = await setup({ kill: () => undefined, killTimeoutMs: 30 }, { kill: false });
  const cg = await m.create('berth/x');
  await t.set('berth/x/cgroup.procs', '50\n');
  await assert.rejects(
    cg.killAll('SIGKILL'),
    (e: unknown) => isBerthError(e, 'Unavailable') && e.message === 'cgroup "berth/x": processes still present 30 ms after SIGKILL',
  );
});

test('destroy removes the cgroup and its children but not the parent', async () => {
  const { t, m } = await setup();
  const cg = await m.create('berth/x');
  await mkdir(join(t.root, 'berth/x/inner'));
  await writeFile(join(t.root, 'berth/x/inner/cgroup.procs'), '');
  await cg.destroy();
  assert.equal(await cg.exists(), false);
  assert.equal(await t.fs.exists(join(t.root, 'berth')), true);
  await cg.destroy();
});

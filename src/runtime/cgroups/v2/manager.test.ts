import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';

import { isBerthError } from '../../../errors.js';
import { detectCgroupManager } from '../detect.js';
import { makeFakeV2, type FakeTree } from '../fake-trees.js';
import type { CgroupManager } from '../manager.js';

const trees: FakeTree[] = [];
afterEach(async () => {
  for (const t of trees.splice(0)) await t.cleanup();
});

async function setup(opts: Parameters<typeof makeFakeV2>[0] = {}): Promise<{ t: FakeTree; m: CgroupManager }> {
  const t = await makeFakeV2(opts);
  trees.push(t);
  return { t, m: detectCgroupManager({ root: t.root, mountinfo: t.mountinfo, fs: t.fs }) };
}

const writes = (t: FakeTree): string[] => t.fs.writesUnder('sys/fs/cgroup/');

const rejects = (category: 'InvalidArgument' | 'FailedPrecondition', message: string) => (e: unknown) => {
  assert.ok(isBerthError(e, category), `expected ${category}, got ${String(e)}`);
  assert.equal(e.message, message);
  return true;
};

test('detects v2 and describes the one hierarchy', async () => {
  const { t, m } = await setup();
  assert.equal(m.version, 2);
  assert.deepEqual(m.hierarchies('/berth/x'), [{ options: '', name: '', hostPath: join(t.root, 'berth/x'), aliases: [], fsType: 'cgroup2' }]);
});

test('create enables the controllers in the ancestors only, and only where missing', async () => {
  const { t, m } = await setup();
  const cg = await m.create('berth/x');
  assert.deepEqual(cg.procsDirs, [join(t.root, 'berth/x')]);
  assert.deepEqual(writes(t), ['cgroup.subtree_control=+cpu +io +memory +pids', 'berth/cgroup.subtree_control=+cpu +io +memory +pids']);
  // the container's own cgroup gets the files but enables nothing for children
  assert.equal(await t.read('berth/x/cgroup.subtree_control'), '');
  assert.equal(await t.fs.exists(join(t.root, 'berth/x/memory.max')), true);

  t.fs.writes.length = 0;
  await m.create('berth/y');
  assert.deepEqual(writes(t), []);

  // cpuset only when asked for
  t.fs.writes.length = 0;
  await m.create('berth/z', { cpu: { cpus: '1' } });
  assert.deepEqual(writes(t), ['cgroup.subtree_control=+cpuset', 'berth/cgroup.subtree_control=+cpuset', 'berth/z/cpuset.cpus=1']);
});

test('a root that already delegates the controllers is left alone', async () => {
  const { t, m } = await setup();
  await t.set('cgroup.subtree_control', 'cpuset cpu io memory pids\n');
  await m.create('berth/x');
  assert.deepEqual(writes(t), ['berth/cgroup.subtree_control=+cpu +io +memory +pids']);
});

test('controllers the host does not offer are not asked for', async () => {
  const { t, m } = await setup({ controllers: ['memory', 'pids'] });
  await m.create('berth/x');
  assert.deepEqual(writes(t), ['cgroup.subtree_control=+memory +pids', 'berth/cgroup.subtree_control=+memory +pids']);
});

test('an intermediate cgroup with processes cannot delegate (no internal processes)', async () => {
  const { t, m } = await setup();
  await m.create('berth/x');
  t.fs.failOn('write', 'sys/fs/cgroup/berth/cgroup.subtree_control', 'EBUSY');
  await assert.rejects(
    m.create('berth/y', { cpu: { mems: '0' } }),
    rejects(
      'FailedPrecondition',
      `cgroup "berth/y": cgroup.subtree_control: cannot enable cpuset in ${join(t.root, 'berth')}: it has processes of its own, and cgroup v2 allows controllers only on cgroups without processes`,
    ),
  );
  assert.equal(await m.open('berth/y').exists(), false);
});

test('every resource is written to its v2 file', async () => {
  const { t, m } = await setup();
  const cg = await m.create('berth/x');
  t.fs.writes.length = 0;
  await cg.update({
    devices: [{ allow: false, access: 'rwm' }],
    memory: { limit: 104857600, reservation: 52428800, swap: 209715200, swappiness: 10, disableOOMKiller: true },
    cpu: { shares: 1024, quota: 50000, period: 100000, burst: 1000, cpus: '1-2', mems: '0' },
    pids: { limit: 100 },
    blockIO: {
      weight: 500,
      weightDevice: [{ major: 8, minor: 0, weight: 1000 }],
      throttleReadBpsDevice: [{ major: 8, minor: 0, rate: 1048576 }],
      throttleWriteBpsDevice: [{ major: 8, minor: 0, rate: 2097152 }],
      throttleReadIOPSDevice: [{ major: 8, minor: 16, rate: 0 }],
      throttleWriteIOPSDevice: [{ major: 8, minor: 0, rate: 100 }],
    },
    hugepageLimits: [{ pageSize: '2MB', limit: 4194304 }],
    unified: { 'memory.high': '90000000', 'cpu.weight': '77' },
  });
  assert.deepEqual(writes(t), [
    'cgroup.subtree_control=+cpuset +hugetlb',
    'berth/cgroup.subtree_control=+cpuset +hugetlb',
    'berth/x/pids.max=100',
    'berth/x/memory.swap.max=104857600',
    'berth/x/memory.max=104857600',
    'berth/x/memory.low=52428800',
    'berth/x/io.weight=4950',
    'berth/x/io.weight=8:0 10000',
    'berth/x/io.max=8:0 rbps=1048576 wbps=2097152 wiops=100',
    'berth/x/io.max=8:16 riops=max',
    'berth/x/cpu.weight=39',
    'berth/x/cpu.max=50000 100000',
    'berth/x/cpu.max.burst=1000',
    'berth/x/cpuset.cpus=1-2',
    'berth/x/cpuset.mems=0',
    'berth/x/hugetlb.2MB.max=4194304',
    'berth/x/memory.high=90000000',
    'berth/x/cpu.weight=77',
  ]);
});

test('io weights go to io.bfq.weight, unconverted, when BFQ is there', async () => {
  const { t, m } = await setup();
  const cg = await m.create('berth/x');
  await writeFile(join(t.root, 'berth/x/io.bfq.weight'), 'default 100\n');
  t.fs.writes.length = 0;
  await cg.update({ blockIO: { weight: 500, weightDevice: [{ major: 8, minor: 0, weight: 200 }] } });
  assert.deepEqual(writes(t), ['berth/x/io.bfq.weight=500', 'berth/x/io.bfq.weight=8:0 200']);
});

test('unlimited values are "max", and swap equal to memory means no swap', async () => {
  const { t, m } = await setup();
  const cg = await m.create('berth/x');
  t.fs.writes.length = 0;
  await cg.update({ memory: { limit: -1 }, cpu: { quota: -1 }, pids: { limit: -1 } });
  await cg.update({ memory: { limit: 1000, swap: 1000 } });
  assert.deepEqual(writes(t), [
    'berth/x/pids.max=max',
    'berth/x/memory.swap.max=max',
    'berth/x/memory.max=max',
    'berth/x/cpu.max=max',
    'berth/x/memory.swap.max=0',
    'berth/x/memory.max=1000',
  ]);
});

test('a period alone keeps the quota in force', async () => {
  const { t, m } = await setup();
  const cg = await m.create('berth/x', { cpu: { quota: 20000 } });
  t.fs.writes.length = 0;
  await cg.update({ cpu: { period: 50000 } });
  assert.deepEqual(writes(t), ['berth/x/cpu.max=20000 50000']);
});

test('without swap accounting, "max" swap is silently fine but a real swap limit is not', async () => {
  const { t, m } = await setup();
  const cg = await m.create('berth/x');
  await rm(join(t.root, 'berth/x/memory.swap.max'));
  await cg.update({ memory: { limit: -1 } });
  await assert.rejects(
    cg.update({ memory: { limit: 100, swap: 300 } }),
    rejects('FailedPrecondition', 'cgroup "berth/x": memory.swap.max: not supported by this host (no such file)'),
  );
});

test('v1-only settings: realtime is refused, devices and swappiness are skipped', async () => {
  const { t, m } = await setup();
  const cg = await m.create('berth/x');
  await assert.rejects(
    cg.update({ cpu: { realtimeRuntime: 1000 } }),
    rejects('FailedPrecondition', 'cgroup "berth/x": cpu.rt_runtime_us: realtime cpu limits are not supported by cgroup v2'),
  );
  t.fs.writes.length = 0;
  // Devices on v2 are a BPF program's job, not a file's.
  await cg.update({ devices: [{ allow: false, access: 'rwm' }], memory: { swappiness: 0, disableOOMKiller: true } });
  assert.deepEqual(writes(t), []);
});

test('unified keys must be plain files of available controllers', async () => {
  const { m } = await setup({ controllers: ['cpu', 'memory', 'pids'] });
  const cg = await m.create('berth/x');
  await assert.rejects(cg.update({ unified: { '../cgroup.procs': '1' } }), rejects('InvalidArgument', 'cgroup "berth/x": unified: "../cgroup.procs" is not a cgroup file name'));
  await assert.rejects(cg.update({ unified: { 'cgroup.procs': '1' } }), rejects('InvalidArgument', 'cgroup "berth/x": unified: cgroup.procs is not a resource setting'));
  await assert.rejects(
    cg.update({ unified: { 'io.latency': '8:0 target=10' } }),
    rejects('FailedPrecondition', 'cgroup "berth/x": io.latency: the io controller is not available to this cgroup'),
  );
  await assert.rejects(
    cg.update({ unified: { 'memory.nonsense': '1' } }),
    rejects('FailedPrecondition', 'cgroup "berth/x": memory.nonsense: not supported by this host (no such file)'),
  );
});

test('a value the kernel refuses is InvalidArgument naming the file', async () => {
  const { t, m } = await setup();
  const cg = await m.create('berth/x');
  t.fs.failOn('write', 'sys/fs/cgroup/berth/x/cpuset.cpus', 'EINVAL');
  await assert.rejects(cg.update({ cpu: { cpus: '64' } }), rejects('InvalidArgument', 'cgroup "berth/x": cpuset.cpus: invalid argument (writing "64")'));
});

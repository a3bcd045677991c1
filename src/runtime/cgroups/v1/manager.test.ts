import assert from 'node:assert/strict';
import { rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, test } from 'node:test';

import type { Resources } from '../../../oci/spec.js';
import { isBerthError } from '../../../errors.js';
import { detectCgroupManager } from '../detect.js';
import { makeFakeV1, type FakeTree } from '../fake-trees.js';
import type { CgroupManager } from '../manager.js';

const trees: FakeTree[] = [];
afterEach(async () => {
  for (const t of trees.splice(0)) await t.cleanup();
});

async function setup(opts: Parameters<typeof makeFakeV1>[0] = {}): Promise<{ t: FakeTree; m: CgroupManager }> {
  const t = await makeFakeV1(opts);
  trees.push(t);
  return { t, m: detectCgroupManager({ root: t.root, mountinfo: t.mountinfo, fs: t.fs }) };
}

/** The writes below root, as "hierarchy/path/file=value". */
const writes = (t: FakeTree): string[] => t.fs.writesUnder('sys/fs/cgroup/');

const rejects = (category: 'InvalidArgument' | 'FailedPrecondition', message: string) => (e: unknown) => {
  assert.ok(isBerthError(e, category), `expected ${category}, got ${String(e)}`);
  assert.equal(e.message, message);
  return true;
};

test('detects v1 and describes the hierarchies a container sees', async () => {
  const { t, m } = await setup();
  assert.equal(m.version, 1);
  const h = m.hierarchies('/berth/x');
  const byName = new Map(h.map((e) => [e.name, e]));
  assert.deepEqual([...byName.keys()], ['blkio', 'cpu,cpuacct', 'cpuset', 'devices', 'freezer', 'hugetlb', 'memory', 'net_cls,net_prio', 'pids', 'systemd', 'unified']);
  assert.deepEqual(byName.get('cpu,cpuacct'), {
    options: 'cpu,cpuacct',
    name: 'cpu,cpuacct',
    hostPath: join(t.root, 'cpu,cpuacct/berth/x'),
    aliases: ['cpu', 'cpuacct'],
    fsType: 'cgroup',
  });
  assert.deepEqual(byName.get('systemd')?.options, 'name=systemd');
  assert.deepEqual(byName.get('systemd')?.aliases, []);
  assert.deepEqual(byName.get('unified'), { options: '', name: 'unified', hostPath: join(t.root, 'unified/berth/x'), aliases: [], fsType: 'cgroup2' });
});

test('create makes the cgroup in every hierarchy and initialises cpuset from the parents', async () => {
  const { t, m } = await setup();
  await t.set('cpuset/cpuset.cpus', '0-7\n');
  const cg = await m.create('berth/x');
  assert.equal(cg.path, 'berth/x');
  assert.equal(cg.procsDirs.length, 11);
  assert.ok(cg.procsDirs.includes(join(t.root, 'systemd/berth/x')));
  assert.ok(cg.procsDirs.includes(join(t.root, 'unified/berth/x')));
  assert.equal(await cg.exists(), true);
  // Without these, adding a task would fail with ENOSPC.
  assert.deepEqual(writes(t), [
    'cpuset/berth/cpuset.cpus=0-7',
    'cpuset/berth/cpuset.mems=0',
    'cpuset/berth/x/cpuset.cpus=0-7',
    'cpuset/berth/x/cpuset.mems=0',
  ]);
  // A second container below the same parent leaves the initialised parent alone.
  t.fs.writes.length = 0;
  await m.create('berth/y');
  assert.deepEqual(writes(t), ['cpuset/berth/y/cpuset.cpus=0-7', 'cpuset/berth/y/cpuset.mems=0']);
});

test('every resource is written to its v1 file, in order', async () => {
  const { t, m } = await setup();
  const cg = await m.create('berth/x');
  t.fs.writes.length = 0;
  const r: Resources = {
    devices: [
      { allow: false, access: 'rwm' },
      { allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' },
      { allow: true, type: 'c', major: 136, minor: null, access: 'rw' },
    ],
    memory: { limit: 104857600, reservation: 52428800, swap: 209715200, swappiness: 10, disableOOMKiller: true, kernel: 1 },
    cpu: { shares: 512, quota: 50000, period: 100000, burst: 1000, cpus: '1-2', mems: '0', realtimePeriod: 1000000, realtimeRuntime: 5000 },
    pids: { limit: 100 },
    blockIO: {
      weight: 300,
      weightDevice: [{ major: 8, minor: 0, weight: 200 }],
      throttleReadBpsDevice: [{ major: 8, minor: 0, rate: 1048576 }],
      throttleWriteIOPSDevice: [{ major: 8, minor: 16, rate: 100 }],
    },
    hugepageLimits: [{ pageSize: '2MB', limit: 4194304 }],
    network: { classID: 1048577, priorities: [{ name: 'eth0', priority: 5 }] },
  };
  await cg.update(r);
  assert.deepEqual(writes(t), [
    'cpuset/berth/x/cpuset.cpus=1-2',
    'cpuset/berth/x/cpuset.mems=0',
    'devices/berth/x/devices.deny=a *:* rwm',
    'devices/berth/x/devices.allow=c 1:3 rwm',
    'devices/berth/x/devices.allow=c 136:* rw',
    // current limit (unlimited) is above the new memsw: limit first
    'memory/berth/x/memory.limit_in_bytes=104857600',
    'memory/berth/x/memory.memsw.limit_in_bytes=209715200',
    'memory/berth/x/memory.soft_limit_in_bytes=52428800',
    'memory/berth/x/memory.swappiness=10',
    'memory/berth/x/memory.oom_control=1',
    'cpu,cpuacct/berth/x/cpu.shares=512',
    'cpu,cpuacct/berth/x/cpu.cfs_period_us=100000',
    'cpu,cpuacct/berth/x/cpu.cfs_quota_us=50000',
    'cpu,cpuacct/berth/x/cpu.cfs_burst_us=1000',
    'cpu,cpuacct/berth/x/cpu.rt_period_us=1000000',
    'cpu,cpuacct/berth/x/cpu.rt_runtime_us=5000',
    'pids/berth/x/pids.max=100',
    'blkio/berth/x/blkio.weight=300',
    'blkio/berth/x/blkio.weight_device=8:0 200',
    'blkio/berth/x/blkio.throttle.read_bps_device=8:0 1048576',
    'blkio/berth/x/blkio.throttle.write_iops_device=8:16 100',
    'hugetlb/berth/x/hugetlb.2MB.limit_in_bytes=4194304',
    'net_cls,net_prio/berth/x/net_cls.classid=1048577',
    'net_cls,net_prio/berth/x/net_prio.ifpriomap=eth0 5',
  ]);
});

test('memory and memsw are written in the order the kernel accepts', async () => {
  const { t, m } = await setup();
  const cg = await m.create('berth/x', { memory: { limit: 100, swap: 200 } });
  // Raising both: memsw must go first, or limit 400 > memsw 200 is EINVAL.
  t.fs.writes.length = 0;
  await cg.update({ memory: { limit: 400, swap: 800 } });
  assert.deepEqual(writes(t), ['memory/berth/x/memory.memsw.limit_in_bytes=800', 'memory/berth/x/memory.limit_in_bytes=400']);
  // Lowering both: limit first, or memsw 60 < limit 400 is EINVAL.
  t.fs.writes.length = 0;
  await cg.update({ memory: { limit: 50, swap: 60 } });
  assert.deepEqual(writes(t), ['memory/berth/x/memory.limit_in_bytes=50', 'memory/berth/x/memory.memsw.limit_in_bytes=60']);
  // Unlimited memory, swap unsaid: memsw goes unlimited too, first.
  t.fs.writes.length = 0;
  await cg.update({ memory: { limit: -1 } });
  assert.deepEqual(writes(t), ['memory/berth/x/memory.memsw.limit_in_bytes=-1', 'memory/berth/x/memory.limit_in_bytes=-1']);
});

test('pids limit 0 or -1 is unlimited', async () => {
  const { t, m } = await setup();
  const cg = await m.create('berth/x');
  t.fs.writes.length = 0;
  await cg.update({ pids: { limit: -1 } });
  await cg.update({ pids: { limit: 0 } });
  assert.deepEqual(writes(t), ['pids/berth/x/pids.max=max', 'pids/berth/x/pids.max=max']);
});

test('blkio weight goes to blkio.bfq.weight when that is what the host has', async () => {
  const { t, m } = await setup();
  const cg = await m.create('berth/x');
  await rm(join(t.root, 'blkio/berth/x/blkio.weight'));
  await writeFile(join(t.root, 'blkio/berth/x/blkio.bfq.weight'), '100');
  await writeFile(join(t.root, 'blkio/berth/x/blkio.bfq.weight_device'), '');
  t.fs.writes.length = 0;
  await cg.update({ blockIO: { weight: 300, weightDevice: [{ major: 8, minor: 0, weight: 200 }] } });
  assert.deepEqual(writes(t), ['blkio/berth/x/blkio.bfq.weight=300', 'blkio/berth/x/blkio.bfq.weight_device=8:0 200']);
});

test('a weight with no weight file at all is unsupported, naming blkio.weight', async () => {
  const { t, m } = await setup();
  const cg = await m.create('berth/x');
  await rm(join(t.root, 'blkio/berth/x/blkio.weight'));
  await assert.rejects(
    cg.update({ blockIO: { weight: 300 } }),
    rejects('FailedPrecondition', 'cgroup "berth/x": blkio.weight: not supported by this host (no such file)'),
  );
});

test('a value the kernel refuses is InvalidArgument naming the file and value', async () => {
  const { t, m } = await setup();
  const cg = await m.create('berth/x');
  t.fs.failOn('write', 'sys/fs/cgroup/cpuset/berth/x/cpuset.cpus', 'EINVAL');
  await assert.rejects(
    cg.update({ cpu: { cpus: '8-9' } }),
    rejects('InvalidArgument', 'cgroup "berth/x": cpuset.cpus: invalid argument (writing "8-9")'),
  );
  t.fs.failOn('write', 'sys/fs/cgroup/cpu,cpuacct/berth/x/cpu.cfs_quota_us', 'EINVAL');
  await assert.rejects(
    cg.update({ cpu: { quota: 500 } }),
    rejects('InvalidArgument', 'cgroup "berth/x": cpu.cfs_quota_us: invalid argument (writing "500")'),
  );
});

test('cpu shares the kernel clamps are refused', async () => {
  const { m } = await setup();
  const cg = await m.create('berth/x');
  await assert.rejects(
    cg.update({ cpu: { shares: 1 } }),
    rejects('InvalidArgument', 'cgroup "berth/x": cpu.shares: 1 is outside the range the kernel accepts (it stored 2)'),
  );
});

test('a smaller period that the kernel refuses first is retried after the quota', async () => {
  const { t, m } = await setup();
  const cg = await m.create('berth/x');
  t.fs.failOn('write', 'sys/fs/cgroup/cpu,cpuacct/berth/x/cpu.cfs_period_us', 'EINVAL', 1);
  t.fs.writes.length = 0;
  await cg.update({ cpu: { quota: 5000, period: 10000 } });
  assert.deepEqual(writes(t), ['cpu,cpuacct/berth/x/cpu.cfs_quota_us=5000', 'cpu,cpuacct/berth/x/cpu.cfs_period_us=10000']);
});

test('a memory limit below usage that cannot be reclaimed says so', async () => {
  const { t, m } = await setup();
  const cg = await m.create('berth/x');
  await t.set('memory/berth/x/memory.usage_in_bytes', '5000000\n');
  t.fs.failOn('write', 'sys/fs/cgroup/memory/berth/x/memory.limit_in_bytes', 'EBUSY');
  await assert.rejects(
    cg.update({ memory: { limit: 1000000 } }),
    rejects('FailedPrecondition', 'cgroup "berth/x": memory.limit_in_bytes: cannot set the limit to 1000000: current usage 5000000 cannot be reclaimed below it'),
  );
});

test('a controller the host does not mount is a FailedPrecondition', async () => {
  const { m } = await setup({ hierarchies: ['cpu,cpuacct', 'memory'] });
  const cg = await m.create('berth/x');
  await assert.rejects(cg.update({ pids: { limit: 10 } }), rejects('FailedPrecondition', 'cgroup "berth/x": pids.max: the pids controller is not mounted on this host'));
  await assert.rejects(cg.freeze(), rejects('FailedPrecondition', 'cgroup "berth/x": freezer.state: the freezer controller is not mounted on this host'));
});

test('unified resources and bad values are refused before anything is written', async () => {
  const { t, m } = await setup();
  const cg = await m.create('berth/x');
  t.fs.writes.length = 0;
  await assert.rejects(
    cg.update({ pids: { limit: 5 }, unified: { 'memory.high': '1000' } }),
    rejects('InvalidArgument', 'cgroup "berth/x": unified: cgroup v2 resources cannot be applied on a cgroup v1 host'),
  );
  await assert.rejects(
    cg.update({ cpu: { cpus: '0' }, memory: { swappiness: 101 } }),
    rejects('InvalidArgument', 'cgroup "berth/x": memory.swappiness: 101 is not between 0 and 100'),
  );
  await assert.rejects(
    cg.update({ cpu: { cpus: '0' }, memory: { limit: 200, swap: 100 } }),
    rejects('InvalidArgument', 'cgroup "berth/x": memory.memsw.limit_in_bytes: memory+swap limit 100 is below the memory limit 200'),
  );
  assert.deepEqual(writes(t), []);
});

test('a create that fails removes the cgroup it made', async () => {
  const { t, m } = await setup();
  t.fs.failOn('write', 'sys/fs/cgroup/cpu,cpuacct/berth/x/cpu.cfs_quota_us', 'EINVAL');
  await assert.rejects(m.create('berth/x', { cpu: { quota: 5 } }), /cpu.cfs_quota_us: invalid argument/);
  assert.equal(await m.open('berth/x').exists(), false);
  assert.equal(await t.fs.exists(join(t.root, 'memory/berth')), true);
});

import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { test } from 'node:test';

import { isBerthError } from '../../errors.js';
import { detectCgroupManager } from './detect.js';
import type { CgroupManager } from './manager.js';

/**
 * Root only: a real cgroup on this host (v1 hybrid on the development
 * machine, v2 elsewhere). Everything lives below a per-run parent
 * "berth-test-<pid>-<random>" that is removed in `finally`.
 */

const MiB = 1024 * 1024;

/** The host file of `file` in the hierarchy that has `controller` (v1), or in the one directory (v2). */
function hostFile(m: CgroupManager, path: string, controller: string, file: string): string {
  const h = m.hierarchies(path);
  const entry = m.version === 2 ? h[0] : h.find((e) => e.fsType === 'cgroup' && e.options.split(',').includes(controller));
  assert.ok(entry, `no hierarchy with ${controller}`);
  return join(entry.hostPath, file);
}

const readHost = async (m: CgroupManager, path: string, controller: string, file: string): Promise<string> =>
  (await readFile(hostFile(m, path, controller, file), 'utf8')).trim();

test('a real cgroup: limits, a process, stats, freeze, kill, destroy', async (t) => {
  if (process.getuid?.() !== 0) {
    t.skip('needs root');
    return;
  }
  const m = detectCgroupManager();
  const parent = `berth-test-${process.pid}-${randomBytes(4).toString('hex')}`;
  const path = `${parent}/c1`;
  let child: ChildProcess | undefined;
  try {
    const cg = await m.create(path, {
      memory: { limit: 64 * MiB },
      pids: { limit: 32 },
      cpu: { shares: 512, quota: 20000, period: 100000 },
    });
    assert.equal(await cg.exists(), true);

    if (m.version === 1) {
      assert.equal(await readHost(m, path, 'memory', 'memory.limit_in_bytes'), String(64 * MiB));
      assert.equal(await readHost(m, path, 'cpu', 'cpu.shares'), '512');
      assert.equal(await readHost(m, path, 'cpu', 'cpu.cfs_quota_us'), '20000');
      assert.equal(await readHost(m, path, 'cpu', 'cpu.cfs_period_us'), '100000');
    } else {
      assert.equal(await readHost(m, path, 'memory', 'memory.max'), String(64 * MiB));
      assert.equal(await readHost(m, path, 'cpu', 'cpu.weight'), '20');
      assert.equal(await readHost(m, path, 'cpu', 'cpu.max'), '20000 100000');
    }
    assert.equal(await readHost(m, path, 'pids', 'pids.max'), '32');

    // What the C core does for a container's init: join every procs dir,
    // then exec, so that the new program's memory is charged to the cgroup.
    const joinThenSleep = 'for d in "$@"; do echo $$ > "$d/cgroup.procs" || exit 1; done; exec sleep 60';
    child = spawn('sh', ['-c', joinThenSleep, 'sh', ...cg.procsDirs], { stdio: 'ignore' });
    const pid = child.pid;
    assert.ok(pid !== undefined);
    const exited = new Promise<void>((resolve) => child?.once('exit', () => resolve()));
    const deadline = Date.now() + 5000;
    while ((await readFile(`/proc/${pid}/comm`, 'utf8')).trim() !== 'sleep') {
      assert.ok(Date.now() < deadline, 'the child joined and exec-ed');
      await new Promise((r) => setTimeout(r, 5));
    }
    assert.deepEqual(await cg.pids(), [pid]);
    if (m.version === 1) {
      // the task is in the cgroup in every hierarchy, the hybrid cgroup2 included
      for (const dir of cg.procsDirs) assert.equal((await readFile(join(dir, 'cgroup.procs'), 'utf8')).trim(), String(pid), dir);
    }

    const s = await cg.stats();
    assert.equal(s.pids.current, 1);
    assert.equal(s.pids.limit, 32);
    assert.equal(s.memory.limit, 64 * MiB);
    assert.ok(s.memory.usage > 0, 'memory usage is charged to the cgroup');
    assert.ok(s.cpu.usageNanos >= 0);

    await cg.freeze();
    const state = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(' ')[2];
    assert.ok(state === 'S' || state === 'D', `frozen task state ${state}`);
    if (m.version === 1) assert.equal(await readHost(m, path, 'freezer', 'freezer.state'), 'FROZEN');
    await cg.thaw();
    if (m.version === 1) assert.equal(await readHost(m, path, 'freezer', 'freezer.state'), 'THAWED');

    // A frozen cgroup must still die on SIGKILL.
    await cg.freeze();
    await cg.killAll('SIGKILL');
    await exited;
    assert.deepEqual(await cg.pids(), []);

    await cg.destroy();
    assert.equal(await cg.exists(), false);
    assert.equal(await m.open(parent).exists(), true, 'the parent stays');
  } finally {
    child?.kill('SIGKILL');
    const leftover = m.open(parent);
    await leftover.killAll('SIGKILL').catch(() => undefined);
    await leftover.destroy();
    assert.equal(await leftover.exists(), false);
  }
});

test('a real cgroup: limits the host cannot take are refused with the file named', async (t) => {
  if (process.getuid?.() !== 0) {
    t.skip('needs root');
    return;
  }
  const m = detectCgroupManager();
  const parent = `berth-test-${process.pid}-${randomBytes(4).toString('hex')}`;
  const path = `${parent}/c2`;
  try {
    await assert.rejects(
      m.create(path, { cpu: { cpus: '4000-4001' } }),
      // ERANGE for cpus beyond the possible ones, EINVAL for ones outside the parent's set
      (e: unknown) =>
        isBerthError(e, 'InvalidArgument') &&
        /^cgroup "[^"]+": cpuset\.cpus: (invalid argument|numerical result out of range) \(writing "4000-4001"\)$/.test(e.message),
    );
    assert.equal(await m.open(path).exists(), false, 'a failed create leaves nothing');
    const cg = await m.create(path);
    await assert.rejects(cg.update({ cpu: { period: 10 } }), (e: unknown) => isBerthError(e, 'InvalidArgument') && /cfs_period_us|cpu\.max/.test(e.message));
    await cg.destroy();
  } finally {
    await m.open(parent).destroy();
    assert.equal(await m.open(parent).exists(), false);
  }
});

/** "maj:min" of a real disk (throttling needs a whole disk, not a partition), or undefined. */
async function someDisk(): Promise<{ major: number; minor: number } | undefined> {
  for (const name of await readdir('/sys/block')) {
    if (/^(loop|ram|zram|nbd|dm-|md)/.test(name)) continue;
    const [major, minor] = (await readFile(`/sys/block/${name}/dev`, 'utf8')).trim().split(':').map(Number);
    if (major !== undefined && minor !== undefined) return { major, minor };
  }
  return undefined;
}

test('a real cgroup: updates raise and lower memory+swap, set devices and throttles', async (t) => {
  if (process.getuid?.() !== 0) {
    t.skip('needs root');
    return;
  }
  const m = detectCgroupManager();
  const parent = `berth-test-${process.pid}-${randomBytes(4).toString('hex')}`;
  const path = `${parent}/c3`;
  try {
    const cg = await m.create(path, { memory: { limit: 32 * MiB, swap: 64 * MiB }, pids: { limit: 10 } });
    // up, both: the kernel only accepts this if memsw is raised first on v1
    await cg.update({ memory: { limit: 128 * MiB, swap: 256 * MiB }, pids: { limit: -1 } });
    // down, both: limit first
    await cg.update({ memory: { limit: 16 * MiB, swap: 24 * MiB } });
    assert.equal(await readHost(m, path, 'pids', 'pids.max'), 'max');
    if (m.version === 1) {
      assert.equal(await readHost(m, path, 'memory', 'memory.limit_in_bytes'), String(16 * MiB));
      const memsw = hostFile(m, path, 'memory', 'memory.memsw.limit_in_bytes');
      if (await readFile(memsw, 'utf8').then(() => true, () => false)) assert.equal((await readFile(memsw, 'utf8')).trim(), String(24 * MiB));
      await cg.update({ memory: { limit: -1 } });
      assert.equal((await cg.stats()).memory.limit, null);

      await cg.update({
        devices: [
          { allow: false, access: 'rwm' },
          { allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' },
          { allow: true, type: 'c', major: 136, access: 'rw' },
        ],
      });
      assert.equal(await readHost(m, path, 'devices', 'devices.list'), 'c 1:3 rwm\nc 136:* rw');
    } else {
      assert.equal(await readHost(m, path, 'memory', 'memory.max'), String(16 * MiB));
    }

    const disk = await someDisk();
    if (disk !== undefined) {
      await cg.update({ blockIO: { throttleReadBpsDevice: [{ ...disk, rate: 1048576 }], throttleWriteIOPSDevice: [{ ...disk, rate: 100 }] } });
      const dev = `${disk.major}:${disk.minor}`;
      if (m.version === 1) {
        assert.equal(await readHost(m, path, 'blkio', 'blkio.throttle.read_bps_device'), `${dev} 1048576`);
        assert.equal(await readHost(m, path, 'blkio', 'blkio.throttle.write_iops_device'), `${dev} 100`);
      } else {
        assert.equal(await readHost(m, path, 'io', 'io.max'), `${dev} rbps=1048576 wbps=max riops=max wiops=100`);
      }
    }
    await cg.destroy();
  } finally {
    await m.open(parent).destroy();
    assert.equal(await m.open(parent).exists(), false);
  }
});

import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';

import { errnoError, FakeCgroupFs } from './fake-cgroupfs.js';

/**
 * Fake /sys/fs/cgroup trees for unit tests: the directories and control files
 * a kernel would show, plus a mountinfo text describing them. Test support,
 * not used by berth itself.
 */
export interface FakeTree {
  base: string;
  /** the fake /sys/fs/cgroup */
  root: string;
  /** path of the fake mountinfo file */
  mountinfo: string;
  fs: FakeCgroupFs;
  /** read a file below root ("memory/berth/x/memory.limit_in_bytes") */
  read(rel: string): Promise<string>;
  /** set a file below root, as the kernel would (not recorded as a write) */
  set(rel: string, content: string): Promise<void>;
  cleanup(): Promise<void>;
}

const UNLIMITED = '9223372036854771712';

/** Control files of a new (non-root) v1 cgroup, per controller. */
const V1_FILES: Record<string, Record<string, string>> = {
  cpu: {
    'cpu.shares': '1024',
    'cpu.cfs_period_us': '100000',
    'cpu.cfs_quota_us': '-1',
    'cpu.cfs_burst_us': '0',
    'cpu.rt_period_us': '1000000',
    'cpu.rt_runtime_us': '0',
    'cpu.idle': '0',
    'cpu.stat': 'nr_periods 0\nnr_throttled 0\nthrottled_time 0\n',
  },
  cpuacct: { 'cpuacct.usage': '0', 'cpuacct.stat': 'user 0\nsystem 0\n' },
  cpuset: { 'cpuset.cpus': '', 'cpuset.mems': '', 'cpuset.effective_cpus': '' },
  memory: {
    'memory.limit_in_bytes': UNLIMITED,
    'memory.memsw.limit_in_bytes': UNLIMITED,
    'memory.soft_limit_in_bytes': UNLIMITED,
    'memory.kmem.tcp.limit_in_bytes': UNLIMITED,
    'memory.swappiness': '60',
    'memory.oom_control': 'oom_kill_disable 0\nunder_oom 0\noom_kill 0\n',
    'memory.usage_in_bytes': '0',
    'memory.max_usage_in_bytes': '0',
    'memory.failcnt': '0',
    'memory.stat': 'cache 0\nrss 0\ntotal_cache 0\ntotal_rss 0\n',
  },
  devices: { 'devices.allow': '', 'devices.deny': '', 'devices.list': 'a *:* rwm\n' },
  freezer: { 'freezer.state': 'THAWED\n' },
  blkio: {
    'blkio.weight': '500',
    'blkio.weight_device': '',
    'blkio.throttle.read_bps_device': '',
    'blkio.throttle.write_bps_device': '',
    'blkio.throttle.read_iops_device': '',
    'blkio.throttle.write_iops_device': '',
    'blkio.throttle.io_service_bytes': 'Total 0\n',
    'blkio.throttle.io_serviced': 'Total 0\n',
  },
  pids: { 'pids.max': 'max', 'pids.current': '0' },
  hugetlb: { 'hugetlb.2MB.limit_in_bytes': UNLIMITED, 'hugetlb.1GB.limit_in_bytes': UNLIMITED },
  net_cls: { 'net_cls.classid': '0' },
  net_prio: { 'net_prio.ifpriomap': 'lo 0\n' },
};
const V1_COMMON: Record<string, string> = { 'cgroup.procs': '', tasks: '', notify_on_release: '0', 'cgroup.clone_children': '0' };

export const DEFAULT_V1_HIERARCHIES = ['blkio', 'cpu,cpuacct', 'cpuset', 'devices', 'freezer', 'hugetlb', 'memory', 'net_cls,net_prio', 'pids', 'name=systemd'];

async function writeFiles(dir: string, files: Record<string, string>): Promise<void> {
  for (const [name, content] of Object.entries(files)) await writeFile(join(dir, name), content);
}

async function newBase(): Promise<{ base: string; root: string }> {
  const base = await mkdtemp(join(tmpdir(), 'berth-cgtest-'));
  const root = join(base, 'sys/fs/cgroup');
  await mkdir(root, { recursive: true });
  return { base, root };
}

function tree(base: string, root: string, mountinfo: string, fs: FakeCgroupFs): FakeTree {
  return {
    base,
    root,
    mountinfo,
    fs,
    read: (rel) => readFile(join(root, rel), 'utf8'),
    set: (rel, content) => writeFile(join(root, rel), content),
    cleanup: () => rm(base, { recursive: true, force: true }),
  };
}

const num = (s: string): number => (s.trim() === '-1' ? Number.POSITIVE_INFINITY : Number(s.trim()));

/**
 * A v1 host: each entry of `hierarchies` ("cpu,cpuacct", "name=systemd") is a
 * mount below root, named like the hierarchy (a named one by its name), plus a
 * cgroup2 "unified" when `unified`. The fake kernel keeps memsw >= limit
 * (EINVAL otherwise), and clamps cpu.shares to [2, 262144] as the real one does.
 */
export async function makeFakeV1(opts: { hierarchies?: string[]; unified?: boolean } = {}): Promise<FakeTree> {
  const { base, root } = await newBase();
  const hierarchies = opts.hierarchies ?? DEFAULT_V1_HIERARCHIES;
  const lines = [
    `22 1 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw`,
    `31 23 0:28 / ${root} rw,relatime shared:9 - tmpfs tmpfs rw,mode=755`,
  ];
  const byDir = new Map<string, string[]>();
  let id = 32;
  for (const h of hierarchies) {
    const name = h.startsWith('name=') ? h.slice(5) : h;
    const dir = join(root, name);
    const controllers = h.split(',');
    byDir.set(dir, controllers);
    await mkdir(dir);
    await writeFiles(dir, { ...V1_COMMON, 'cgroup.sane_behavior': '0', release_agent: '' });
    for (const c of controllers) await writeFiles(dir, V1_FILES[c] ?? {});
    if (controllers.includes('cpuset')) await writeFiles(dir, { 'cpuset.cpus': '0-3', 'cpuset.mems': '0', 'cpuset.effective_cpus': '0-3' });
    lines.push(`${id} 31 0:${id} / ${dir} rw,nosuid,nodev,noexec,relatime shared:${id} - cgroup cgroup rw,${h}`);
    id++;
  }
  if (opts.unified ?? true) {
    const dir = join(root, 'unified');
    await mkdir(dir);
    await writeFiles(dir, { 'cgroup.procs': '', 'cgroup.controllers': 'hugetlb\n', 'cgroup.subtree_control': '' });
    lines.push(`${id} 31 0:${id} / ${dir} rw,nosuid,nodev,noexec,relatime shared:${id} - cgroup2 cgroup2 rw,nsdelegate`);
  }
  // A bind mount of a hierarchy elsewhere must not be taken for the real one.
  lines.push(`99 1 0:33 /docker ${join(base, 'elsewhere')} rw - cgroup cgroup rw,memory`);
  const mountinfo = join(base, 'mountinfo');
  await writeFile(mountinfo, lines.join('\n') + '\n');

  const fs = new FakeCgroupFs(base);
  fs.onMkdir = async (path) => {
    for (const [dir, controllers] of byDir) {
      if (!path.startsWith(dir + '/')) continue;
      await writeFiles(path, V1_COMMON);
      for (const c of controllers) await writeFiles(path, V1_FILES[c] ?? {});
      return;
    }
    await writeFiles(path, { 'cgroup.procs': '', 'cgroup.controllers': '', 'cgroup.subtree_control': '', 'cgroup.events': 'populated 0\nfrozen 0\n' });
  };
  fs.beforeWrite = async (path, data) => {
    const dir = dirname(path);
    const sibling = async (f: string): Promise<number> => num(await readFile(join(dir, f), 'utf8'));
    if (basename(path) === 'memory.limit_in_bytes' && num(data) > (await sibling('memory.memsw.limit_in_bytes'))) {
      throw errnoError('EINVAL', path);
    }
    if (basename(path) === 'memory.memsw.limit_in_bytes' && num(data) < (await sibling('memory.limit_in_bytes'))) {
      throw errnoError('EINVAL', path);
    }
  };
  fs.afterWrite = async (path, data) => {
    if (basename(path) === 'cpu.shares') {
      await writeFile(path, String(Math.min(262144, Math.max(2, Number(data)))));
    }
  };
  return tree(base, root, mountinfo, fs);
}

/** Files a v2 cgroup gets for each controller enabled in its parent's subtree_control. */
const V2_FILES: Record<string, Record<string, string>> = {
  cpu: { 'cpu.weight': '100', 'cpu.max': 'max 100000\n', 'cpu.max.burst': '0', 'cpu.idle': '0' },
  memory: {
    'memory.max': 'max',
    'memory.low': '0',
    'memory.high': 'max',
    'memory.swap.max': 'max',
    'memory.current': '0',
    'memory.peak': '0',
    'memory.stat': 'anon 0\nfile 0\n',
    'memory.events': 'low 0\nhigh 0\nmax 0\noom 0\noom_kill 0\n',
  },
  io: { 'io.weight': 'default 100\n', 'io.max': '', 'io.stat': '' },
  pids: { 'pids.max': 'max', 'pids.current': '0' },
  cpuset: { 'cpuset.cpus': '', 'cpuset.mems': '', 'cpuset.cpus.effective': '0-3' },
  hugetlb: { 'hugetlb.2MB.max': 'max', 'hugetlb.1GB.max': 'max' },
};

const words = (s: string): string[] => s.split(/\s+/).filter((w) => w !== '');

/**
 * A pure v2 host: cgroup2 at root offering `controllers`. The fake kernel
 * merges "+x -y" writes into cgroup.subtree_control and adds the controller's
 * files to the children, keeps cgroup.events in step with cgroup.freeze, and
 * empties cgroup.procs on cgroup.kill. `kill: false` drops cgroup.kill
 * (kernels before 5.14).
 */
export async function makeFakeV2(opts: { controllers?: string[]; kill?: boolean } = {}): Promise<FakeTree> {
  const { base, root } = await newBase();
  const controllers = opts.controllers ?? ['cpuset', 'cpu', 'io', 'memory', 'hugetlb', 'pids', 'rdma', 'misc'];
  await writeFiles(root, {
    'cgroup.procs': '1\n',
    'cgroup.controllers': controllers.join(' ') + '\n',
    'cgroup.subtree_control': '',
    'cgroup.max.depth': 'max',
    'cpu.stat': 'usage_usec 0\n',
    'memory.stat': 'anon 0\n',
    'io.stat': '',
  });
  const mountinfo = join(base, 'mountinfo');
  await writeFile(
    mountinfo,
    [
      `22 1 0:21 / /proc rw,nosuid,nodev,noexec,relatime shared:12 - proc proc rw`,
      `31 23 0:26 / ${root} rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot`,
    ].join('\n') + '\n',
  );
  const fs = new FakeCgroupFs(base);
  const core = (parentEnabled: string): Record<string, string> => ({
    'cgroup.procs': '',
    'cgroup.threads': '',
    'cgroup.controllers': parentEnabled,
    'cgroup.subtree_control': '',
    'cgroup.events': 'populated 0\nfrozen 0\n',
    'cgroup.freeze': '0',
    'cgroup.type': 'domain',
    ...(opts.kill === false ? {} : { 'cgroup.kill': '' }),
    'cpu.stat': 'usage_usec 0\nuser_usec 0\nsystem_usec 0\nnr_periods 0\nnr_throttled 0\nthrottled_usec 0\n',
  });
  const addControllerFiles = async (dir: string, enabled: string[]): Promise<void> => {
    for (const c of enabled) {
      for (const [name, content] of Object.entries(V2_FILES[c] ?? {})) {
        const existing = await readFile(join(dir, name), 'utf8').catch(() => null);
        if (existing === null) await writeFile(join(dir, name), content);
      }
    }
  };
  fs.onMkdir = async (path) => {
    const enabled = (await readFile(join(dirname(path), 'cgroup.subtree_control'), 'utf8')).trim();
    await writeFiles(path, core(enabled));
    await addControllerFiles(path, words(enabled));
  };
  fs.afterWrite = async (path, data, previous) => {
    const dir = dirname(path);
    switch (basename(path)) {
      case 'cgroup.subtree_control': {
        const set = new Set(words(previous));
        for (const w of words(data)) {
          if (w.startsWith('+')) set.add(w.slice(1));
          else if (w.startsWith('-')) set.delete(w.slice(1));
        }
        const merged = [...set].join(' ');
        await writeFile(path, merged);
        for (const child of (await readdir(dir, { withFileTypes: true })).filter((e) => e.isDirectory())) {
          await writeFile(join(dir, child.name, 'cgroup.controllers'), merged);
          await addControllerFiles(join(dir, child.name), [...set]);
        }
        break;
      }
      case 'cgroup.freeze':
        await writeFile(join(dir, 'cgroup.events'), `populated 1\nfrozen ${data.trim()}\n`);
        break;
      case 'cgroup.kill':
        await writeFile(join(dir, 'cgroup.procs'), '');
        break;
    }
  };
  return tree(base, root, mountinfo, fs);
}

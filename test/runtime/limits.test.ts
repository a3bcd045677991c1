/**
 * Limits that the kernel enforces for real: memory (OOM kill, visible in
 * stats), pids (a fork bomb stops), seccomp (the spec's errno), capabilities
 * (a dropped one makes the privileged call fail), cpu and block I/O settings
 * as the container reads them from its own cgroup.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';

import { makeBundle, type Bundle } from '../fixtures/bundle.js';
import { assertNoLeaks, snapshotHost, type HostSnapshot } from '../fixtures/host-leaks.js';
import { parseForkbomb, parseSyscall } from '../fixtures/probe.js';
import { runToCompletion, withRuntime } from './in-process.js';
import type { Spec } from '../../src/oci/spec.js';

const root = process.getuid?.() === 0;
const MiB = 1024 * 1024;

async function run(mutate: (s: Spec) => void) {
  const bundle: Bundle = await makeBundle({ mutate });
  try {
    return await withRuntime((rt) => runToCompletion(rt, bundle));
  } finally {
    await bundle.cleanup();
  }
}

describe('enforced limits', { skip: !root && 'needs root' }, () => {
  let host: HostSnapshot;
  before(async () => (host = await snapshotHost()));
  after(async () => assertNoLeaks(host));

  test('a memory hog is OOM-killed under a memory limit, and stats show the OOM', async () => {
    const out = await run((s) => {
      s.process!.args = ['/bin/probe', 'memhog', '256'];
      s.linux!.resources = { ...s.linux!.resources, memory: { limit: 32 * MiB, swap: 32 * MiB } };
    });
    assert.equal(out.status.signal, 9, `expected SIGKILL, got ${JSON.stringify(out.status)}; output: ${out.output.slice(-200)}`);
    assert.equal(out.status.code, 137);
    assert.ok(!out.output.includes('done'), 'the hog finished its allocation');
    assert.ok(out.stats.memory.oomKills >= 1 || out.stats.memory.oomEvents >= 1, `stats: ${JSON.stringify(out.stats.memory)}`);
    assert.equal(out.stats.memory.limit, 32 * MiB);
  });

  test('a fork bomb stops at the pids limit', async () => {
    const out = await run((s) => {
      s.process!.args = ['/bin/probe', 'forkbomb', '200'];
      s.linux!.resources = { ...s.linux!.resources, pids: { limit: 16 } };
    });
    const r = parseForkbomb(out.output);
    assert.equal(r.errno, 'EAGAIN');
    assert.ok(r.forked < 16 && r.forked >= 10, `forked ${r.forked} with a limit of 16 (the probe itself counts)`);
    assert.equal(out.stats.pids.limit, 16);
  });

  test('a syscall blocked by seccomp returns the errno of the spec; argument conditions apply', async () => {
    const seccomp: NonNullable<Spec['linux']>['seccomp'] = {
      defaultAction: 'SCMP_ACT_ALLOW',
      architectures: ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'],
      syscalls: [
        { names: ['mkdir', 'mkdirat'], action: 'SCMP_ACT_ERRNO', errnoRet: 18 /* EXDEV */ },
        { names: ['personality'], action: 'SCMP_ACT_ERRNO', errnoRet: 26 /* ETXTBSY */, args: [{ index: 0, value: 8, op: 'SCMP_CMP_EQ' }] },
      ],
    };
    const script = '/bin/probe syscall mkdir /tmp/blocked; /bin/probe syscall personality 8; /bin/probe syscall personality 0xffffffff';
    const out = await run((s) => {
      s.process!.args = ['/bin/sh', '-c', script];
      s.linux!.seccomp = seccomp;
    });
    const [mkdir, blocked, allowed] = out.output.trim().split('\n').map(parseSyscall);
    assert.equal(mkdir?.errno, 'EXDEV');
    assert.equal(blocked?.errno, 'ETXTBSY');
    assert.equal(allowed?.errno, null, `personality(0xffffffff) queries and must pass: ${JSON.stringify(allowed)}`);
  });

  test('a dropped capability makes the privileged operation fail; a kept one lets it through', async () => {
    const withoutChown = await run((s) => {
      s.process!.args = ['/bin/probe', 'syscall', 'chown', '/tmp', '1000', '1000'];
      const c = s.process!.capabilities!;
      for (const k of ['bounding', 'effective', 'permitted'] as const) c[k] = c[k]!.filter((x) => x !== 'CAP_CHOWN');
    });
    assert.equal(parseSyscall(withoutChown.output).errno, 'EPERM');
    const withChown = await run((s) => {
      s.process!.args = ['/bin/probe', 'syscall', 'chown', '/tmp', '1000', '1000'];
    });
    assert.equal(parseSyscall(withChown.output).errno, null);
  });

  test('cpu and block I/O settings reach the container cgroup', async () => {
    const v1 = existsSync('/sys/fs/cgroup/cpu/cpu.cfs_quota_us');
    const files = v1
      ? ['cpu/cpu.cfs_quota_us', 'cpu/cpu.cfs_period_us', 'cpu/cpu.shares', 'cpuset/cpuset.cpus']
      : ['cpu.max', 'cpu.weight', 'cpuset.cpus'];
    const out = await run((s) => {
      s.process!.args = ['/bin/sh', '-c', files.map((f) => `echo ${f}=$(cat /sys/fs/cgroup/${f})`).join('; ')];
      s.linux!.resources = { ...s.linux!.resources, cpu: { quota: 50000, period: 100000, shares: 512, cpus: '0' } };
    });
    const seen = Object.fromEntries(out.output.trim().split('\n').map((l) => l.split('=') as [string, string]));
    if (v1) {
      assert.equal(seen['cpu/cpu.cfs_quota_us'], '50000');
      assert.equal(seen['cpu/cpu.cfs_period_us'], '100000');
      assert.equal(seen['cpu/cpu.shares'], '512');
      assert.equal(seen['cpuset/cpuset.cpus'], '0');
    } else {
      assert.equal(seen['cpu.max'], '50000 100000');
      assert.equal(seen['cpuset.cpus'], '0');
    }
  });
});

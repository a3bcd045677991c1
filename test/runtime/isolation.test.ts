/**
 * What a process inside a container sees, reported by the probe running in
 * it: its own pid, mount, uts, ipc, net and cgroup namespaces, the
 * capabilities, seccomp mode, identity, rlimits, masked and read-only paths.
 */
import assert from 'node:assert/strict';
import { readlinkSync } from 'node:fs';
import { after, before, describe, test } from 'node:test';

import { DEFAULT_CAPABILITIES } from '../../src/oci/defaults.js';
import { dockerDefaultSeccomp } from '../../src/oci/seccomp-default.js';
import { makeBundle } from '../fixtures/bundle.js';
import { assertNoLeaks, snapshotHost, type HostSnapshot } from '../fixtures/host-leaks.js';
import { parseReport, type ProbeReport } from '../fixtures/probe.js';
import { RuntimeCli } from './harness.js';

const root = process.getuid?.() === 0;

describe('container isolation', { skip: !root && 'needs root' }, () => {
  let cli: RuntimeCli;
  let host: HostSnapshot;
  let report: ProbeReport;
  const masked = ['/proc/kcore', '/proc/keys', '/proc/acpi', '/sys/firmware'];
  const readonly = ['/proc/sys', '/proc/bus', '/proc/irq'];

  before(async () => {
    host = await snapshotHost();
    cli = await RuntimeCli.create();
    const bundle = await makeBundle({
      mutate: (spec) => {
        const p = spec.process!;
        p.args = ['/bin/probe', 'report', `--check-masked=${masked.join(',')}`, `--check-readonly=${readonly.join(',')}`, '--sysctl=net.ipv4.ip_forward,kernel.shmmax'];
        p.user = { uid: 1000, gid: 1000, additionalGids: [100, 5], umask: 0o027 };
        p.cwd = '/home/tester/work';
        p.env = ['PATH=/bin', 'GREETING=hello world'];
        p.rlimits = [{ type: 'RLIMIT_NOFILE', soft: 512, hard: 1000 }];
        p.oomScoreAdj = 123;
        p.noNewPrivileges = true;
        // A non-root user keeps capabilities only through the ambient set.
        const caps = ['CAP_NET_BIND_SERVICE', 'CAP_KILL'];
        p.capabilities = { bounding: [...DEFAULT_CAPABILITIES], effective: caps, permitted: caps, inheritable: caps, ambient: caps };
        spec.hostname = 'isolated';
        spec.domainname = 'example.test';
        spec.linux!.sysctl = { 'net.ipv4.ip_forward': '1', 'kernel.shmmax': '123456789' };
        spec.linux!.maskedPaths = masked;
        spec.linux!.readonlyPaths = readonly;
        spec.linux!.seccomp = dockerDefaultSeccomp([...DEFAULT_CAPABILITIES]);
      },
    });
    try {
      const res = await cli.run(['run', '--bundle', bundle.dir, bundle.id]);
      assert.equal(res.code, 0, res.stderr);
      report = parseReport(res.stdout);
    } finally {
      await bundle.cleanup();
    }
  });

  after(async () => {
    await cli.dispose();
    await assertNoLeaks(host);
  });

  test('is PID 1 of its own pid namespace', () => {
    assert.equal(report.pid, 1);
    assert.equal(report.ppid, 0);
  });

  test('has its own namespaces, except user and time', () => {
    for (const ns of ['mnt', 'uts', 'ipc', 'net', 'pid', 'cgroup']) {
      assert.notEqual(report.namespaces[ns], readlinkSync(`/proc/self/ns/${ns}`), `${ns} namespace is the host's`);
    }
    assert.equal(report.namespaces['user'], readlinkSync('/proc/self/ns/user'));
  });

  test('has the hostname and domainname of the spec', () => {
    assert.equal(report.hostname, 'isolated');
    assert.equal(report.domainname, 'example.test');
  });

  test('runs as the user, groups and umask of the spec, in its cwd', () => {
    assert.deepEqual([report.uid, report.gid, report.euid, report.egid], [1000, 1000, 1000, 1000]);
    assert.deepEqual([...(report.groups ?? [])].sort((a, b) => a - b), [5, 100]);
    assert.equal(report.umask, 0o027);
    assert.equal(report.cwd, '/home/tester/work');
    assert.deepEqual(report.env, ['PATH=/bin', 'GREETING=hello world']);
  });

  test('holds exactly the capabilities asked for, in all five sets', () => {
    const sorted = (a: string[] | null) => [...(a ?? [])].sort();
    assert.deepEqual(sorted(report.capabilities.effective), ['CAP_KILL', 'CAP_NET_BIND_SERVICE']);
    assert.deepEqual(sorted(report.capabilities.permitted), ['CAP_KILL', 'CAP_NET_BIND_SERVICE']);
    assert.deepEqual(sorted(report.capabilities.ambient), ['CAP_KILL', 'CAP_NET_BIND_SERVICE']);
    assert.deepEqual(sorted(report.capabilities.inheritable), ['CAP_KILL', 'CAP_NET_BIND_SERVICE']);
    assert.deepEqual(sorted(report.capabilities.bounding), [...DEFAULT_CAPABILITIES].sort());
  });

  test('has no_new_privs and a seccomp filter', () => {
    assert.equal(report.NoNewPrivs, 1);
    assert.equal(report.Seccomp, 2, 'Seccomp: 2 means a filter is loaded');
  });

  test('has the rlimits and oom_score_adj of the spec', () => {
    assert.deepEqual(report.rlimits['nofile'], { soft: 512, hard: 1000 });
    assert.equal(report.oomScoreAdj, 123);
  });

  test('sees itself at the root of its cgroups', () => {
    assert.ok(report.cgroup && report.cgroup.length > 0);
    for (const line of report.cgroup) assert.match(line, /:\/$/, `cgroup line ${line}`);
  });

  test('has proc, sysfs, devpts, mqueue, shm and cgroup mounts and a pivoted root', () => {
    const targets = new Map((report.mounts ?? []).map((m) => [m.target, m]));
    for (const t of ['/', '/proc', '/dev', '/dev/pts', '/dev/shm', '/dev/mqueue', '/sys', '/sys/fs/cgroup']) {
      assert.ok(targets.has(t), `no mount at ${t}`);
    }
    assert.equal(targets.get('/proc')?.fstype, 'proc');
    assert.equal(targets.get('/dev/pts')?.fstype, 'devpts');
    // After pivot_root the host's root is gone: nothing is mounted outside the container's tree.
    assert.ok(!(report.mounts ?? []).some((m) => m.target.startsWith('/tmp/berth-test')), 'host paths visible');
  });

  test('cannot read masked paths', () => {
    for (const p of masked) {
      const m = report.masked[p];
      assert.ok(m, `no result for ${p}`);
      if (m.exists) assert.equal(m.masked, true, `${p} is readable: ${JSON.stringify(m)}`);
    }
    assert.equal(report.masked['/proc/keys']?.exists, true);
  });

  test('cannot write read-only paths', () => {
    for (const p of readonly) {
      const r = report.readonly[p];
      assert.ok(r?.exists, `${p} missing`);
      assert.equal(r.readonly, true, `${p} is writable: ${JSON.stringify(r)}`);
    }
  });

  test('has the sysctls of the spec in its own namespaces', () => {
    assert.equal(report.sysctl['net.ipv4.ip_forward'], '1');
    assert.equal(report.sysctl['kernel.shmmax'], '123456789');
  });

  test('has only a loopback interface, and it is up', () => {
    assert.deepEqual(report.interfaces.map((i) => i.name), ['lo']);
    assert.equal(report.interfaces[0]?.up, true);
  });
});

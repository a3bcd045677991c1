/**
 * Tools built for runc drive berth-runtime unchanged: podman (through
 * conmon, which calls create/start/state/kill/delete with runc's flags,
 * --console-socket for -t, and reads errors from --log) runs containers on it.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, rmdirSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { assertNoLeaks, snapshotHost, type HostSnapshot } from '../fixtures/host-leaks.js';
import { buildRootfs } from '../fixtures/rootfs.js';
import { runCommand, RUNTIME_BIN, type CliResult } from './harness.js';

const root = process.getuid?.() === 0;
const havePodman = existsSync('/usr/bin/podman') && existsSync('/usr/bin/conmon');
const IMAGE = 'localhost/berth-test-busybox:latest';
const CGROUP_ROOT = '/sys/fs/cgroup';

/** Cgroup directories podman makes for itself with the cgroupfs manager; removed afterwards unless they were there before. */
function libpodCgroups(): string[] {
  return readdirSync(CGROUP_ROOT)
    .map((h) => path.join(CGROUP_ROOT, h, 'libpod_parent'))
    .filter((d) => existsSync(d));
}

describe('podman and conmon drive berth-runtime', { skip: (!root && 'needs root') || (!havePodman && 'podman is not installed') }, () => {
  let host: HostSnapshot;
  let dir: string;
  let ipForward: string;
  let cgroupsBefore: string[];
  // podman keeps a blob-info cache here whatever --root says.
  const SHARED_STATE = '/var/lib/containers';
  let sharedStateExisted: boolean;
  // conmon calls the runtime without --root (and without our environment): its default state root.
  const RUNTIME_ROOT = '/run/berth-runtime';
  let runtimeRootExisted: boolean;
  const podman = (args: string[], timeoutMs = 60_000): Promise<CliResult> =>
    runCommand(
      'podman',
      ['--root', `${dir}/root`, '--runroot', `${dir}/run`, '--tmpdir', `${dir}/tmp`, '--cgroup-manager', 'cgroupfs', '--events-backend', 'file', '--runtime', RUNTIME_BIN, ...args],
      { env: { ...process.env, CONTAINERS_CONF: `${dir}/containers.conf` }, timeoutMs },
    );
  const ok = async (args: string[]) => {
    const r = await podman(args);
    assert.equal(r.code, 0, `podman ${args.join(' ')}: ${r.stderr}`);
    return r;
  };

  before(async () => {
    host = await snapshotHost();
    ipForward = readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8');
    cgroupsBefore = libpodCgroups();
    sharedStateExisted = existsSync(SHARED_STATE);
    runtimeRootExisted = existsSync(RUNTIME_ROOT);
    dir = await mkdtemp(path.join(tmpdir(), 'berth-test-podman-'));
    // This host has no CAP_SYS_RESOURCE: podman's default ulimits would fail (PEERS.md).
    writeFileSync(
      `${dir}/containers.conf`,
      '[containers]\ndefault_ulimits = ["nofile=20000:20000", "nproc=32768:32768"]\n[engine]\ncgroup_manager = "cgroupfs"\nevents_logger = "file"\n',
    );
    const rootfs = await buildRootfs(path.join(dir, 'rootfs'));
    const tar = await runCommand('tar', ['-C', rootfs, '-cf', `${dir}/rootfs.tar`, '.']);
    assert.equal(tar.code, 0, tar.stderr);
    await ok(['import', '-c', 'CMD ["/bin/sh"]', `${dir}/rootfs.tar`, IMAGE]);
  });

  after(async () => {
    await podman(['rm', '--all', '--force', '--time', '0']);
    await podman(['rmi', '--all', '--force']);
    await podman(['system', 'reset', '--force']);
    await rm(dir, { recursive: true, force: true });
    if (!sharedStateExisted) await rm(SHARED_STATE, { recursive: true, force: true });
    if (!runtimeRootExisted && existsSync(RUNTIME_ROOT)) {
      assert.deepEqual(readdirSync(RUNTIME_ROOT), [], 'containers left in the runtime root');
      rmdirSync(RUNTIME_ROOT);
    }
    for (const d of libpodCgroups().filter((d) => !cgroupsBefore.includes(d))) {
      for (const child of readdirSync(d, { withFileTypes: true }).filter((e) => e.isDirectory())) rmdirSync(path.join(d, child.name));
      rmdirSync(d);
    }
    assert.equal(readFileSync('/proc/sys/net/ipv4/ip_forward', 'utf8'), ipForward, 'ip_forward changed');
    await assertNoLeaks(host);
  });

  test('run --rm: the container runs with its own namespaces, Docker\'s capabilities and seccomp profile', async () => {
    const r = await ok(['run', '--rm', '--network', 'none', '--hostname', 'viapodman', IMAGE, 'sh', '-c', 'hostname; grep -E "^(CapEff|Seccomp):" /proc/self/status; echo $$']);
    assert.deepEqual(r.stdout.trim().split('\n').map((l) => l.replace(/\s+/g, ' ')), ['viapodman', 'CapEff: 00000000a80425fb', 'Seccomp: 2', '1']);
  });

  test('run -d, exec, logs, stop and rm', async () => {
    const name = `berth-test-${process.pid}`;
    await ok(['run', '-d', '--network', 'none', '--name', name, IMAGE, 'sh', '-c', 'trap "echo stopping; exit 0" TERM; echo up; while true; do sleep 0.1; done']);
    const exec = await ok(['exec', name, 'sh', '-c', 'echo exec $(cat /proc/1/cmdline | tr "\\0" " ")']);
    assert.match(exec.stdout, /^exec sh -c trap/);
    await ok(['stop', '--time', '10', name]);
    const logs = await ok(['logs', name]);
    assert.deepEqual(logs.stdout.trim().split('\n'), ['up', 'stopping']);
    const inspect = await ok(['inspect', '--format', '{{.State.ExitCode}}', name]);
    assert.equal(inspect.stdout.trim(), '0');
    await ok(['rm', name]);
  });

  test('run -t: conmon receives the terminal through --console-socket', async () => {
    const r = await ok(['run', '--rm', '-t', '--network', 'none', IMAGE, 'sh', '-c', 'tty; echo tty-ok']);
    assert.deepEqual(r.stdout.trim().split(/\r?\n/), ['/dev/pts/0', 'tty-ok']);
  });

  test('a missing program reads to podman as "not found" (exit 127), from runc\'s message', async () => {
    const r = await podman(['run', '--rm', '--network', 'none', IMAGE, 'no-such-program']);
    assert.equal(r.code, 127);
    assert.match(r.stderr, /exec: "no-such-program": executable file not found in \$PATH/);
  });
});

/**
 * `docker run` flags as the container sees them: limits in its cgroup,
 * capabilities, no_new_privs and seccomp in /proc/self/status, a read-only
 * root with a tmpfs, --init as pid 1, ulimits, users by name, and an OOM
 * kill reported by inspect.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { describe, test } from 'node:test';

import { IMAGE, skipReason, useDockerSession } from './docker-session.js';

const v2 = existsSync('/sys/fs/cgroup/cgroup.controllers');

describe('docker run options inside the container', { skip: skipReason() }, () => {
  const s = useDockerSession('berth-test-opts-');
  const run = async (flags: string[], ...command: string[]): Promise<string> => {
    const r = await s.docker(['run', '--rm', ...flags, IMAGE, ...command]);
    assert.equal(r.code, 0, `docker run ${flags.join(' ')} ${command.join(' ')}: ${r.stderr}\n${r.stdout}\ndaemon log:\n${s.daemon.log()}`);
    return r.stdout.trim();
  };
  const status = (flags: string[], field: string) => run(flags, 'sh', '-c', `grep '^${field}:' /proc/self/status | cut -f2`);


  test('--memory, --pids-limit, --cpus land in the container\'s cgroup', async () => {
    const mem = v2 ? '/sys/fs/cgroup/memory.max' : '/sys/fs/cgroup/memory/memory.limit_in_bytes';
    const pids = v2 ? '/sys/fs/cgroup/pids.max' : '/sys/fs/cgroup/pids/pids.max';
    const quota = v2 ? '/sys/fs/cgroup/cpu.max' : '/sys/fs/cgroup/cpu/cpu.cfs_quota_us';
    assert.equal(await run(['--memory', '64m', '--pids-limit', '20', '--cpus', '0.5'], 'cat', mem, pids, quota), v2 ? '67108864\n20\n50000 100000' : '67108864\n20\n50000');
  });

  test('capabilities, no-new-privileges and seccomp as asked', async () => {
    assert.equal(await status([], 'CapEff'), '00000000a80425fb');
    assert.equal(await status(['--cap-drop', 'ALL'], 'CapEff'), '0000000000000000');
    assert.equal(await status(['--cap-drop', 'ALL', '--cap-add', 'NET_ADMIN'], 'CapEff'), '0000000000001000');
    assert.equal(await status([], 'Seccomp'), '2');
    assert.equal(await status(['--security-opt', 'seccomp=unconfined'], 'Seccomp'), '0');
    assert.equal(await status([], 'NoNewPrivs'), '0');
    assert.equal(await status(['--security-opt', 'no-new-privileges'], 'NoNewPrivs'), '1');
    assert.equal(await status(['--privileged'], 'Seccomp'), '0');
  });

  test('--read-only with --tmpfs, --init as pid 1, --ulimit, -u by name, -l in inspect', async () => {
    const ro = await s.docker(['run', '--rm', '--read-only', IMAGE, 'touch', '/file']);
    assert.notEqual(ro.code, 0);
    assert.match(ro.stderr, /Read-only file system/);
    assert.equal(await run(['--read-only', '--tmpfs', '/scratch'], 'sh', '-c', 'echo ok > /scratch/f && cat /scratch/f'), 'ok');
    assert.match(await run(['--init'], 'sh', '-c', 'tr "\\0" " " < /proc/1/cmdline'), /^\/sbin\/docker-init -- sh -c/);
    assert.equal(await run(['--ulimit', 'nofile=100:200'], 'sh', '-c', 'ulimit -n; ulimit -Hn'), '100\n200');
    assert.equal(await run(['-u', 'tester'], 'id', '-u'), '1000');
    const create = await s.docker(['create', '-l', 'team=infra', IMAGE, 'true']);
    assert.equal(create.code, 0, create.stderr);
    assert.equal((await s.docker(['inspect', '--format', '{{.Config.Labels.team}}', create.stdout.trim()])).stdout.trim(), 'infra');
    await s.docker(['rm', create.stdout.trim()]);
  });

  test('an OOM kill shows in inspect: OOMKilled, exit code 137', async () => {
    const r = await s.docker(['run', '--name', 'hog', '--memory', '32m', '--memory-swap', '32m', IMAGE, 'probe', 'memhog', '256']);
    assert.equal(r.code, 137, r.stderr);
    assert.equal((await s.docker(['inspect', '--format', '{{.State.OOMKilled}} {{.State.ExitCode}}', 'hog'])).stdout.trim(), 'true 137');
    await s.docker(['rm', 'hog']);
  });

  test('bad flags are refused by the daemon with docker\'s words, nothing created', async () => {
    const r = await s.docker(['run', '--rm', '--memory', '4m', IMAGE, 'true']);
    assert.equal(r.code, 125);
    assert.match(r.stderr, /Minimum memory limit allowed is 6MB/);
    const restart = await s.docker(['run', '--rm', '--restart', 'always', IMAGE, 'true']);
    assert.equal(restart.code, 125);
    assert.equal((await s.docker(['ps', '-aq'])).stdout.trim(), '');
  });
});

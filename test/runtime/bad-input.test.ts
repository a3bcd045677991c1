/**
 * Bad input gets one clear message naming the cause, a non-zero exit, and
 * leaves nothing behind: no state directory, cgroup, mount or process.
 */
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, test } from 'node:test';

import type { Spec } from '../../src/oci/spec.js';
import { makeBundle } from '../fixtures/bundle.js';
import { useRuntimeCli } from './harness.js';

const root = process.getuid?.() === 0;

describe('bad input', { skip: !root && 'needs root' }, () => {
  const env = useRuntimeCli();

  /** Runs `run` on a bundle whose spec `mutate` broke; returns stderr after checking the failure. */
  async function refused(mutate: (s: Spec) => void, rawConfig?: string): Promise<string> {
    const bundle = await makeBundle({ mutate });
    try {
      if (rawConfig !== undefined) {
        const { writeFile } = await import('node:fs/promises');
        await writeFile(bundle.configPath, rawConfig);
      }
      const r = await env.cli.run(['run', '--bundle', bundle.dir, bundle.id]);
      assert.notEqual(r.code, 0, `accepted: ${r.stdout}`);
      assert.equal(r.stdout, '', 'the program must not have run');
      const lines = r.stderr.trim().split('\n');
      assert.equal(lines.length, 1, `one message, got: ${r.stderr}`);
      assert.deepEqual(readdirSync(env.cli.root), [], 'state directory left behind');
      return lines[0]!;
    } finally {
      await bundle.cleanup();
    }
  }

  test('unknown namespace type', async () => {
    const msg = await refused((s) => s.linux!.namespaces!.push({ type: 'bogus' as 'pid' }));
    assert.match(msg, /linux\.namespaces\[\d\]\.type: unknown namespace type "bogus"/);
  });

  test('a root path that is not there', async () => {
    const msg = await refused((s) => (s.root = { path: '../no-such-rootfs' }));
    assert.match(msg, /root\.path: .*no-such-rootfs is not a directory/);
  });

  test('empty root path', async () => {
    const msg = await refused((s) => (s.root = { path: '' }));
    assert.match(msg, /root\.path: must not be empty/);
  });

  test('empty args', async () => {
    const msg = await refused((s) => (s.process!.args = []));
    assert.match(msg, /process\.args: must not be empty/);
  });

  test('bad capability name', async () => {
    const msg = await refused((s) => s.process!.capabilities!.bounding!.push('CAP_NOT_A_THING'));
    assert.match(msg, /process\.capabilities\.bounding\[\d+\]: unknown capability "CAP_NOT_A_THING"/);
  });

  test('malformed seccomp', async () => {
    const msg = await refused((s) => {
      s.linux!.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['read'], action: 'SCMP_ACT_EXPLODE' as 'SCMP_ACT_ALLOW' }] };
    });
    assert.match(msg, /linux\.seccomp\.syscalls\[0\]\.action: .*SCMP_ACT_EXPLODE/);
  });

  test('seccomp argument index out of range', async () => {
    const msg = await refused((s) => {
      s.linux!.seccomp = { defaultAction: 'SCMP_ACT_ALLOW', syscalls: [{ names: ['read'], action: 'SCMP_ACT_ERRNO', args: [{ index: 9, value: 1, op: 'SCMP_CMP_EQ' }] }] };
    });
    assert.match(msg, /linux\.seccomp\.syscalls\[0\]\.args\[0\]\.index/);
  });

  test('config.json that is not JSON', async () => {
    const msg = await refused(() => {}, '{"ociVersion": "1.0.2",');
    assert.match(msg, /config\.json: invalid JSON/);
  });

  test('a missing executable, like runc', async () => {
    const msg = await refused((s) => (s.process!.args = ['no-such-program', '--flag']));
    assert.match(msg, /exec: "no-such-program": executable file not found in \$PATH/);
  });

  test('a file that is not executable, like runc', async () => {
    const msg = await refused((s) => (s.process!.args = ['/etc/passwd']));
    assert.match(msg, /exec: "\/etc\/passwd": permission denied/);
  });

  test('a program the kernel cannot execute exits 126 with the reason on the container stderr', async () => {
    const bundle = await makeBundle({ mutate: (s) => void (s.process!.args = ['/bin/garbage']) });
    try {
      const { writeFile } = await import('node:fs/promises');
      await writeFile(`${bundle.rootfs}/bin/garbage`, 'not a program\n', { mode: 0o755 });
      const r = await env.cli.run(['run', '--bundle', bundle.dir, bundle.id]);
      assert.equal(r.code, 126);
      assert.match(r.stderr, /exec: "\/bin\/garbage": exec format error/);
      assert.deepEqual(readdirSync(env.cli.root), []);
    } finally {
      await bundle.cleanup();
    }
  });

  test('an rlimit above what this host allows', async () => {
    const hard = Number(/Max open files\s+\d+\s+(\d+)/.exec(await import('node:fs').then((fs) => fs.readFileSync('/proc/self/limits', 'utf8')))?.[1]);
    const msg = await refused((s) => (s.process!.rlimits = [{ type: 'RLIMIT_NOFILE', soft: 1024, hard: hard + 1 }]));
    assert.match(msg, new RegExp(`process\\.rlimits\\[0\\]: RLIMIT_NOFILE hard limit ${hard + 1} exceeds this host's hard limit ${hard}`));
  });

  test('a bind mount whose source does not exist fails at that mount, and everything is undone', async () => {
    const msg = await refused((s) => s.mounts!.push({ destination: '/data', type: 'bind', source: '/no/such/source', options: ['rbind', 'ro'] }));
    assert.match(msg, /mount .*\/data: mount \/no\/such\/source .*no such file or directory/);
  });

  test('a container id that is already taken', async () => {
    const bundle = await makeBundle();
    try {
      assert.equal((await env.cli.run(['create', '--bundle', bundle.dir, bundle.id])).code, 0);
      const r = await env.cli.run(['create', '--bundle', bundle.dir, bundle.id]);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, new RegExp(`container "${bundle.id}": already exists`));
      const state = JSON.parse((await env.cli.run(['state', bundle.id])).stdout) as { status: string };
      assert.equal(state.status, 'created', 'the first container must be untouched');
    } finally {
      await env.cli.run(['delete', '--force', bundle.id]);
      await bundle.cleanup();
    }
  });

  test('unknown flags and commands are refused plainly', async () => {
    const flag = await env.cli.run(['create', '--bogus', 'x']);
    assert.notEqual(flag.code, 0);
    assert.match(flag.stderr, /--bogus: unknown flag/);
    const verb = await env.cli.run(['frobnicate']);
    assert.notEqual(verb.code, 0);
    assert.match(verb.stderr, /unknown command "frobnicate"/);
  });
});

/**
 * The OCI lifecycle through the berth-runtime binary, as runc's callers
 * drive it: create (the process waits), start, state, exec, pause/resume,
 * kill, delete; hooks; joining another container's namespace.
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readlinkSync } from 'node:fs';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, test } from 'node:test';

import { makeBundle, type Bundle } from '../fixtures/bundle.js';
import { useRuntimeCli } from './harness.js';

const root = process.getuid?.() === 0;

interface StateJson {
  status: string;
  pid: number;
  id: string;
  bundle: string;
}

/** What the kernel says of the container's cgroup (named after the bundle): v1 freezer.state, or v2 cgroup.events. */
function frozen(cgroup: string): boolean {
  const v1 = `/sys/fs/cgroup/freezer/${cgroup}/freezer.state`;
  if (existsSync(v1)) return readFileSync(v1, 'utf8').trim() === 'FROZEN';
  return /^frozen 1$/m.test(readFileSync(`/sys/fs/cgroup/${cgroup}/cgroup.events`, 'utf8'));
}

describe('container lifecycle', { skip: !root && 'needs root' }, () => {
  const env = useRuntimeCli();
  let bundle: Bundle;

  beforeEach(async () => {
    bundle = await makeBundle({
      mutate: (s) => {
        // The probe handles SIGTERM: as PID 1 of its namespace it would otherwise be immune to it.
        s.process!.args = ['/bin/sh', '-c', 'echo started > /tmp/marker; exec /bin/probe signals'];
      },
    });
  });
  afterEach(async () => {
    await env.cli.run(['delete', '--force', bundle.id]);
    await bundle.cleanup();
  });

  const state = async (id: string): Promise<StateJson> => {
    const r = await env.cli.run(['state', id]);
    assert.equal(r.code, 0, r.stderr);
    return JSON.parse(r.stdout) as StateJson;
  };
  const ok = async (args: string[]) => {
    const r = await env.cli.run(args);
    assert.equal(r.code, 0, `berth-runtime ${args.join(' ')}: ${r.stderr}`);
    return r;
  };

  test('create leaves the process waiting; start runs the program; kill and delete end it', async () => {
    const pidFile = path.join(bundle.dir, 'pid');
    await ok(['create', '--bundle', bundle.dir, '--pid-file', pidFile, bundle.id]);
    const created = await state(bundle.id);
    assert.equal(created.status, 'created');
    assert.equal(Number(readFileSync(pidFile, 'utf8')), created.pid);
    assert.ok(existsSync(`/proc/${created.pid}`));
    assert.ok(!existsSync(path.join(bundle.rootfs, 'tmp/marker')), 'the program ran before start');

    await ok(['start', bundle.id]);
    assert.equal((await state(bundle.id)).status, 'running');
    for (let i = 0; i < 100 && !existsSync(path.join(bundle.rootfs, 'tmp/marker')); i++) await sleep(10);
    assert.equal(readFileSync(path.join(bundle.rootfs, 'tmp/marker'), 'utf8'), 'started\n');

    const again = await env.cli.run(['start', bundle.id]);
    assert.notEqual(again.code, 0);
    assert.match(again.stderr, /cannot start a container that is running/);

    const refused = await env.cli.run(['delete', bundle.id]);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /container "berth-test-\w+": cannot delete a running container/);
    assert.equal((await state(bundle.id)).status, 'running');

    await ok(['kill', bundle.id, 'TERM']);
    for (let i = 0; i < 200 && (await state(bundle.id)).status !== 'stopped'; i++) await sleep(10);
    assert.equal((await state(bundle.id)).status, 'stopped');
    await ok(['delete', bundle.id]);
    const gone = await env.cli.run(['state', bundle.id]);
    assert.notEqual(gone.code, 0);
    assert.match(gone.stderr, /does not exist/);
  });

  test('list shows containers with their status', async () => {
    await ok(['create', '--bundle', bundle.dir, bundle.id]);
    const r = await ok(['list', '--format', 'json']);
    const list = JSON.parse(r.stdout) as StateJson[];
    assert.deepEqual(list.map((s) => [s.id, s.status]), [[bundle.id, 'created']]);
  });

  test('exec runs in the container namespaces and returns the exit code', async () => {
    await ok(['run', '--detach', '--bundle', bundle.dir, bundle.id]);
    const { pid } = await state(bundle.id);
    const r = await env.cli.run(['exec', bundle.id, '/bin/sh', '-c', 'cat /tmp/marker; readlink /proc/self/ns/pid; readlink /proc/self/ns/mnt; exit 7']);
    assert.equal(r.code, 7, r.stderr);
    const [marker, pidns, mntns] = r.stdout.trim().split('\n');
    assert.equal(marker, 'started');
    assert.equal(pidns, readlinkSync(`/proc/${pid}/ns/pid`));
    assert.equal(mntns, readlinkSync(`/proc/${pid}/ns/mnt`));
    const missing = await env.cli.run(['exec', bundle.id, 'no-such-program']);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /exec: "no-such-program": executable file not found in \$PATH/);
  });

  test('pause freezes every process; resume thaws them', async () => {
    await ok(['run', '--detach', '--bundle', bundle.dir, bundle.id]);
    const { pid } = await state(bundle.id);
    await ok(['pause', bundle.id]);
    assert.equal((await state(bundle.id)).status, 'paused');
    assert.equal(frozen(bundle.id), true, 'the kernel does not report the cgroup frozen');
    const exec = await env.cli.run(['exec', bundle.id, '/bin/true']);
    assert.notEqual(exec.code, 0, 'exec into a paused container must be refused');
    await ok(['resume', bundle.id]);
    assert.equal((await state(bundle.id)).status, 'running');
    assert.equal(frozen(bundle.id), false);
    const ps = await ok(['ps', '--format', 'json', bundle.id]);
    assert.deepEqual(JSON.parse(ps.stdout), [pid]);
  });

  test('a second container joins the first one\'s network namespace by path', async () => {
    await ok(['run', '--detach', '--bundle', bundle.dir, bundle.id]);
    const { pid } = await state(bundle.id);
    const second = await makeBundle({
      mutate: (s) => {
        s.process!.args = ['/bin/sh', '-c', 'readlink /proc/self/ns/net'];
        s.linux!.namespaces = s.linux!.namespaces!.map((n) => (n.type === 'network' ? { type: 'network', path: `/proc/${pid}/ns/net` } : n));
      },
    });
    try {
      const r = await ok(['run', '--bundle', second.dir, second.id]);
      assert.equal(r.stdout.trim(), readlinkSync(`/proc/${pid}/ns/net`));
    } finally {
      await env.cli.run(['delete', '--force', second.id]);
      await second.cleanup();
    }
  });

  test('hooks run on the host with the state on stdin', async () => {
    const log = path.join(bundle.dir, 'hooks.log');
    const hook = (name: string) => ({ path: '/bin/sh', args: ['sh', '-c', `echo ${name} $(cat) >> ${log}`] });
    bundle.spec.hooks = { prestart: [hook('prestart')], poststart: [hook('poststart')], poststop: [hook('poststop')] };
    await bundle.write();
    await ok(['run', '--detach', '--bundle', bundle.dir, bundle.id]);
    await ok(['delete', '--force', bundle.id]);
    const lines = readFileSync(log, 'utf8').trim().split('\n');
    assert.deepEqual(lines.map((l) => l.split(' ')[0]), ['prestart', 'poststart', 'poststop']);
    const poststart = JSON.parse(lines[1]!.slice('poststart '.length)) as StateJson;
    assert.equal(poststart.id, bundle.id);
    assert.equal(poststart.status, 'running');
  });
});

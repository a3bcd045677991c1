/**
 * berth's `create`/`run`/`exec` request bodies against the real docker
 * CLI's, for the same command lines: the docker CLI (28.x) runs against a
 * stand-in daemon that records what it sends, and every field berth sends
 * must be what docker sent. Bad command lines must fail in both, docker's
 * flag errors with the same message.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, test } from 'node:test';

import { createRequest } from '../../src/cli/container/create-body.js';
import { CREATE_FLAGS, RUN_FLAGS } from '../../src/cli/container/create-flags.js';
import { execBody } from '../../src/cli/container/exec-body.js';
import { FlagError, parseFlags } from '../../src/cli/flags.js';
import { DOCKER, startCapture, type Capture, type Captured } from './docker-capture.js';

const dir = mkdtempSync(path.join(tmpdir(), 'berth-test-bodies-'));
const seccomp = path.join(dir, 'seccomp.json');
const envFile = path.join(dir, 'app.env');
const labelFile = path.join(dir, 'labels');
const env = { HOME: dir, FROM_HOST: 'host value' };

const CREATE_LINES: string[][] = [
  ['busybox'],
  ['busybox', 'sh', '-c', 'echo hi; exit 3'],
  ['-i', '-t', '--rm', '--name', 'web', 'busybox'],
  ['-a', 'stdout', '-a', 'STDERR', 'busybox'],
  ['-e', 'A=1', '-e', 'FROM_HOST', '-e', 'UNSET_HERE', '--env-file', envFile, '-w', '/w', '-u', '1000:1000', '--hostname', 'h1', '--domainname', 'example.org', 'busybox'],
  ['--entrypoint', '', 'busybox'],
  ['--entrypoint', '/bin/sh', 'busybox', '-c', 'true'],
  ['-v', '/tmp:/x:ro', '-v', 'named:/y', '-v', '/anon', '-v', './rel:/z', '--mount', 'type=bind,src=/tmp,dst=/m,readonly', '--mount', 'type=volume,src=v,dst=/d,volume-nocopy', '--mount', 'type=tmpfs,dst=/t,tmpfs-size=1m', 'busybox'],
  ['--read-only', '--tmpfs', '/run:size=10m', '--tmpfs', '/tmp', 'busybox'],
  ['--cap-add', 'NET_ADMIN', '--cap-add', 'cap_sys_time', '--cap-drop', 'ALL', '--privileged', 'busybox'],
  ['--cap-drop', 'chown', 'busybox'],
  ['--security-opt', 'no-new-privileges', '--security-opt', 'seccomp=unconfined', 'busybox'],
  ['--security-opt', `seccomp=${seccomp}`, 'busybox'],
  ['-m', '512m', '--memory-swap', '1g', '--memory-reservation', '256m', '--memory-swappiness', '10', '--cpus', '1.5', '-c', '512', '--cpuset-cpus', '0-1', '--cpuset-mems', '0', '--pids-limit', '10', 'busybox'],
  ['--memory', '1.5g', '--memory-swap', '-1', '--cpu-period', '100000', '--cpu-quota', '50000', 'busybox'],
  ['--blkio-weight', '300', '--device-read-bps', '/dev/sda:1mb', '--device-write-bps', '/dev/sdb:512k', '--device-read-iops', '/dev/sda:100', '--device-write-iops', '/dev/sda:50', 'busybox'],
  ['--ulimit', 'nofile=100:200', '--ulimit', 'nproc=50', '--init', '--oom-kill-disable', '--oom-score-adj', '100', '--shm-size', '64m', 'busybox'],
  ['--restart', 'on-failure:3', 'busybox'],
  ['--restart', 'always', 'busybox'],
  ['--restart', 'unless-stopped', '-l', 'a=b', '-l', 'flag', '--label-file', labelFile, '--stop-signal', 'SIGINT', '--stop-timeout', '5', 'busybox'],
  ['--network', 'none', 'busybox'],
  ['--network', 'host', 'busybox'],
  ['--net', 'mynet', 'busybox'],
  ['-p', '8080:80', '-p', '127.0.0.1::53/udp', '-p', '7000-7001:7000-7001', '-p', '[::1]:9000:9000', '--expose', '90', '--expose', '100-101/udp', 'busybox'],
  ['-P', '--expose', '80', 'busybox'],
  ['--dns', '1.1.1.1', '--dns', '2001:db8::1', '--dns-search', 'example.org', '--dns-option', 'ndots:2', '--add-host', 'h:1.2.3.4', '--add-host', 'db=10.0.0.2', 'busybox'],
  ['--platform', 'linux/arm64', '--pull', 'never', 'busybox'],
  ['--group-add', '10', '--sysctl', 'net.ipv4.ip_forward=1', '--device', '/dev/fuse', '--device', '/dev/null:/dev/mynull:r', 'busybox'],
  ['--log-driver', 'json-file', '--log-opt', 'max-size=1m', '--isolation', 'vm', '--cgroup-parent', 'mine', '--ipc', 'private', '--pid', 'host', '--uts', 'host', '--userns', 'host', '--cgroupns', 'private', 'busybox'],
  ['--health-cmd', 'true', '--health-interval', '30s', '--health-retries', '3', '--health-timeout', '1m30s', '--health-start-period', '500ms', 'busybox'],
  ['--no-healthcheck', '--volumes-from', 'other:ro', '--cidfile', path.join(dir, 'cid-never-written'), 'busybox'],
];

const RUN_DETACHED_LINES: string[][] = [
  ['-d', 'busybox', 'sleep', '100'],
  ['-d', '-i', '-t', '--name', 'bg', '-p', '80', 'busybox'],
  ['-d', '--rm', '-e', 'X=1', 'busybox'],
];

const EXEC_LINES: string[][] = [
  ['-d', 'web', 'touch', '/x'],
  ['-d', '-e', 'A=1', '--env-file', envFile, '-u', 'nobody', '-w', '/tmp', '--privileged', 'web', 'sh', '-c', 'true'],
  ['-d', '-i', '-t', '--detach-keys', 'ctrl-a,ctrl-b', 'web', 'sh'],
];

const BAD_LINES: string[][] = [
  ['-m', '12x', 'busybox'],
  ['--cpus', 'abc', 'busybox'],
  ['--ulimit', 'nofile=a', 'busybox'],
  ['--ulimit', 'nofile=5:1', 'busybox'],
  ['--pids-limit', 'many', 'busybox'],
  ['--blkio-weight', 'heavy', 'busybox'],
  ['--device-read-bps', 'sda:1mb', 'busybox'],
  ['--attach', 'stdweird', 'busybox'],
  ['--dns', 'not-an-ip', 'busybox'],
  ['--memory-swap', 'lots', 'busybox'],
  ['--health-interval', '5', 'busybox'],
  ['-p', '99999:80', 'busybox'],
  ['--mount', 'type=bind,src=/x', 'busybox'],
  ['--security-opt', `seccomp=${path.join(dir, 'missing.json')}`, 'busybox'],
  ['--security-opt', 'bogus', 'busybox'],
  ['--bogus-flag', 'busybox'],
  ['--log-driver', 'none', '--log-opt', 'max-size=1m', 'busybox'],
  ['--restart', 'always', '--rm', 'busybox'],
];

/** docker sends map-built lists in map order: compare them sorted. */
function canonical(body: Record<string, unknown>): Record<string, unknown> {
  const hc = { ...(body['HostConfig'] as Record<string, unknown>) };
  for (const k of ['Binds', 'Ulimits', 'CapAdd', 'CapDrop', 'ExtraHosts', 'Dns']) {
    if (Array.isArray(hc[k])) hc[k] = [...(hc[k] as unknown[])].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  }
  for (const list of Object.values((hc['PortBindings'] as Record<string, unknown[]>) ?? {})) list.sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b)));
  // docker's order of Env varies from run to run (its flags go through a map): compare them sorted too.
  return { ...body, ...(Array.isArray(body['Env']) ? { Env: [...(body['Env'] as string[])].sort() } : {}), HostConfig: hc };
}

/** Every field berth sends, at the top level and in HostConfig, equals docker's. */
function assertSameFields(berth: Record<string, unknown>, docker: Record<string, unknown>, line: string[]): void {
  const b = canonical(berth);
  const d = canonical(docker);
  for (const [k, v] of Object.entries(b)) {
    if (k === 'HostConfig') continue;
    assert.deepEqual(v, d[k], `${k} for ${line.join(' ')}`);
  }
  const bh = b['HostConfig'] as Record<string, unknown>;
  const dh = d['HostConfig'] as Record<string, unknown>;
  for (const [k, v] of Object.entries(bh)) assert.deepEqual(v, dh[k], `HostConfig.${k} for ${line.join(' ')}`);
  // and nothing docker sends with a value berth would have left out
  for (const [k, v] of Object.entries(dh)) if (!(k in bh)) assert.ok(v === null || v === '' || v === 0 || v === false || (Array.isArray(v) && v.length === 0), `HostConfig.${k}=${JSON.stringify(v)} missing for ${line.join(' ')}`);
}

const created = (reqs: Captured[]) => reqs.find((r) => r.path === '/containers/create');

describe('create bodies, field for field against the docker CLI', { skip: !existsSync(DOCKER) && `needs ${DOCKER}` }, () => {
  let capture: Capture;
  before(async () => {
    writeFileSync(seccomp, '{\n  "defaultAction": "SCMP_ACT_ERRNO",\n  "architectures": ["SCMP_ARCH_X86_64"],\n  "syscalls": [ { "names": ["read", "write"], "action": "SCMP_ACT_ALLOW" } ]\n}\n');
    writeFileSync(envFile, '# settings\nFROM_FILE=1\nSPACED= kept as is\n  FROM_HOST\nNOT_SET_ANYWHERE\n');
    writeFileSync(labelFile, 'team=infra\nbare\n');
    mkdirSync(path.join(dir, 'rel'), { recursive: true });
    capture = await startCapture();
  });
  after(async () => {
    await capture?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const ours = (flags: typeof CREATE_FLAGS, line: string[], detach = false) => {
    const cwd = process.cwd();
    process.chdir(dir); // "./rel" is made absolute against the working directory, as docker does
    try {
      return createRequest(parseFlags(line, flags, true), { detach, consoleSize: [0, 0], env });
    } finally {
      process.chdir(cwd);
    }
  };

  test('create', async () => {
    for (const line of CREATE_LINES) {
      const r = await capture.docker(['create', ...line], env, dir);
      const sent = created(r.requests);
      assert.ok(sent, `docker create ${line.join(' ')} sent no create: ${r.stderr}`);
      const mine = ours(CREATE_FLAGS, line);
      assertSameFields(mine.body, sent.body as Record<string, unknown>, line);
      assert.equal(sent.query.get('name') ?? undefined, mine.name, `name for ${line.join(' ')}`);
      assert.equal(sent.query.get('platform') ?? undefined, mine.platform, `platform for ${line.join(' ')}`);
    }
  });

  test('run -d', async () => {
    for (const line of RUN_DETACHED_LINES) {
      const r = await capture.docker(['run', ...line], env, dir);
      const sent = created(r.requests);
      assert.ok(sent, `docker run ${line.join(' ')}: ${r.stderr}`);
      assertSameFields(ours(RUN_FLAGS, line, true).body, sent.body as Record<string, unknown>, line);
    }
  });

  test('exec', async () => {
    const flags = [
      { name: 'detach', short: 'd' }, { name: 'detach-keys', value: true }, { name: 'env', short: 'e', value: true, repeat: true },
      { name: 'env-file', value: true, repeat: true }, { name: 'interactive', short: 'i' }, { name: 'privileged' }, { name: 'tty', short: 't' },
      { name: 'user', short: 'u', value: true }, { name: 'workdir', short: 'w', value: true },
    ];
    for (const line of EXEC_LINES) {
      const r = await capture.docker(['exec', ...line], env, dir);
      const sent = r.requests.find((q) => q.path.endsWith('/exec'));
      assert.ok(sent, `docker exec ${line.join(' ')}: ${r.stderr}`);
      const mine = execBody(parseFlags(line, flags, true), [0, 0], env);
      for (const [k, v] of Object.entries(mine)) assert.deepEqual(v, (sent.body as Record<string, unknown>)[k], `${k} for exec ${line.join(' ')}`);
    }
  });

  test('bad command lines fail in both; docker\'s flag errors word for word', async () => {
    for (const line of BAD_LINES) {
      const r = await capture.docker(['create', ...line], env, dir);
      assert.equal(r.code, 125, `docker create ${line.join(' ')}: ${r.stderr}`);
      assert.equal(created(r.requests), undefined);
      let mine: unknown;
      try {
        ours(CREATE_FLAGS, line);
      } catch (e) {
        mine = e;
      }
      assert.ok(mine instanceof Error, `berth accepted ${line.join(' ')}`);
      const dockerFirst = r.stderr.split('\n')[0] ?? '';
      if (mine instanceof FlagError) assert.equal(mine.message, dockerFirst, line.join(' '));
      else assert.ok(dockerFirst.replace(/^docker: /, '').startsWith(mine.message.split(':')[0] ?? '-'), `${line.join(' ')}: docker "${dockerFirst}", berth "${mine.message}"`);
    }
  });
});

import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, test } from 'node:test';

import { FlagError, parseFlags } from '../flags.js';
import { createRequest } from './create-body.js';
import { RUN_FLAGS } from './create-flags.js';
import { capabilities, compactJson, extraHost, goDuration, parseRestartPolicy, parseUlimit } from './host-options.js';
import { parseMount, parseVolumes } from './mounts.js';
import { parsePublish } from './ports.js';
import { nanoCpus, ramInBytes } from './sizes.js';

const dir = mkdtempSync(path.join(tmpdir(), 'berth-test-create-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const req = (argv: string[], detach = false) => createRequest(parseFlags(argv, RUN_FLAGS, true), { detach, env: { HOME: '/root' } });
const hostConfig = (argv: string[]) => req([...argv, 'busybox']).body['HostConfig'] as Record<string, unknown>;

test('sizes and CPUs as docker reads them', () => {
  assert.equal(ramInBytes('512m'), 512 * 1024 * 1024);
  assert.equal(ramInBytes('1.5g'), 1.5 * 1024 ** 3);
  assert.equal(ramInBytes('64MiB'), 64 * 1024 ** 2);
  assert.equal(ramInBytes('1mb'), 1024 * 1024);
  assert.equal(ramInBytes('100'), 100);
  assert.throws(() => ramInBytes('12x'), /^Error: invalid suffix: 'x'$/);
  assert.throws(() => ramInBytes('m'), /invalid size: 'm'/);
  assert.equal(nanoCpus('1.5'), 1_500_000_000);
  assert.equal(nanoCpus('.25'), 250_000_000);
  assert.throws(() => nanoCpus('abc'), /failed to parse abc as a rational number/);
});

test('ports, ulimits, restart policies, capabilities, durations, hosts', () => {
  assert.deepEqual(parsePublish(['8080:80', '127.0.0.1::53/udp', '[::1]:9000:9000', '7000-7001:80-81'], ['90']), {
    exposed: { '80/tcp': {}, '53/udp': {}, '9000/tcp': {}, '81/tcp': {}, '90/tcp': {} },
    bindings: {
      '80/tcp': [{ HostIp: '', HostPort: '8080' }, { HostIp: '', HostPort: '7000' }],
      '53/udp': [{ HostIp: '127.0.0.1', HostPort: '' }],
      '9000/tcp': [{ HostIp: '::1', HostPort: '9000' }],
      '81/tcp': [{ HostIp: '', HostPort: '7001' }],
    },
  });
  assert.throws(() => parsePublish(['99999:80'], []), /^Error: invalid hostPort: 99999$/);
  assert.throws(() => parsePublish(['80/xyz'], []), /invalid proto: xyz/);
  assert.deepEqual(parseUlimit('nofile=100:200'), { Name: 'nofile', Hard: 200, Soft: 100 });
  assert.deepEqual(parseUlimit('nproc=50'), { Name: 'nproc', Hard: 50, Soft: 50 });
  assert.throws(() => parseUlimit('nofile=200:100'), /soft limit must be less than or equal to hard limit: 200 > 100/);
  assert.throws(() => parseUlimit('bogus=1'), /invalid ulimit type: bogus/);
  assert.deepEqual(parseRestartPolicy('on-failure:3'), { Name: 'on-failure', MaximumRetryCount: 3 });
  assert.throws(() => parseRestartPolicy('on-failure:x'), /maximum retry count must be an integer/);
  assert.deepEqual(capabilities(['net_admin', 'CAP_SYS_TIME'], ['all', 'SYS_TIME']), { CapAdd: ['CAP_NET_ADMIN', 'CAP_SYS_TIME'], CapDrop: ['ALL'] });
  assert.deepEqual(capabilities([], []), { CapAdd: null, CapDrop: null });
  assert.equal(goDuration('1m30s'), 90e9);
  assert.equal(goDuration('500ms'), 5e8);
  assert.throws(() => goDuration('5'), /missing unit in duration "5"/);
  assert.throws(() => goDuration('5x'), /invalid duration "5x"/);
  assert.equal(extraHost('h=1.2.3.4'), 'h:1.2.3.4');
  assert.equal(compactJson('{ "a" : [1, 2],\n "b": "x y" }'), '{"a":[1,2],"b":"x y"}');
});

test('volumes and mounts: binds with a source, anonymous volumes without', () => {
  assert.deepEqual(parseVolumes(['/tmp:/x:ro', 'vol:/y', '/anon', './rel:/z']), {
    binds: ['/tmp:/x:ro', 'vol:/y', `${path.resolve('./rel')}:/z`],
    volumes: { '/anon': {} },
  });
  assert.throws(() => parseVolumes(['a::b']), /empty section between colons/);
  assert.deepEqual(parseMount('type=bind,src=/tmp,dst=/z,readonly,bind-propagation=rslave'), { Type: 'bind', Source: '/tmp', Target: '/z', ReadOnly: true, BindOptions: { Propagation: 'rslave' } });
  assert.deepEqual(parseMount('type=tmpfs,dst=/t,tmpfs-size=1m,tmpfs-mode=1770'), { Type: 'tmpfs', Target: '/t', TmpfsOptions: { SizeBytes: 1048576, Mode: 0o1770 } });
  assert.deepEqual(parseMount('src=v,target=/d,volume-nocopy'), { Type: 'volume', Source: 'v', Target: '/d', VolumeOptions: { NoCopy: true, DriverConfig: {} } });
  assert.throws(() => parseMount('type=bind,src=/x'), /target is required/);
  assert.throws(() => parseMount('type=bind,dst=/x,volume-nocopy'), /cannot mix 'volume-\*' options with mount type 'bind'/);
});

test('the body: attach streams, env from the environment, entrypoint, init, detach', () => {
  const r = req(['-i', '--rm', '--name', 'web', '-e', 'A=1', '-e', 'HOME', '-e', 'UNSET', '--entrypoint', '', '--init', '--platform', 'linux/arm64', 'busybox', 'sh', '-c', 'x']);
  assert.equal(r.name, 'web');
  assert.equal(r.platform, 'linux/arm64');
  assert.equal(r.pull, 'missing');
  const b = r.body;
  assert.deepEqual([b['AttachStdin'], b['AttachStdout'], b['AttachStderr'], b['OpenStdin'], b['StdinOnce']], [true, true, true, true, true]);
  assert.deepEqual(b['Env'], ['A=1', 'HOME=/root', 'UNSET']);
  assert.deepEqual(b['Entrypoint'], ['']);
  assert.deepEqual(b['Cmd'], ['sh', '-c', 'x']);
  assert.equal((b['HostConfig'] as Record<string, unknown>)['Init'], true);
  assert.equal((b['HostConfig'] as Record<string, unknown>)['AutoRemove'], true);
  const d = req(['-d', '-i', 'busybox'], true).body;
  assert.deepEqual([d['AttachStdin'], d['AttachStdout'], d['AttachStderr'], d['OpenStdin'], d['StdinOnce']], [false, false, false, true, false]);
  const a = req(['-a', 'stdout', 'busybox']).body;
  assert.deepEqual([a['AttachStdout'], a['AttachStderr']], [true, false]);
  const envFile = path.join(dir, 'env');
  writeFileSync(envFile, '# comment\nX=1\n\n  HOME\nNOPE\n');
  assert.deepEqual(req(['--env-file', envFile, '-e', 'Y=2', 'busybox']).body['Env'], ['X=1', 'HOME=/root', 'Y=2']);
});

test('resources land in HostConfig in docker\'s units', () => {
  const h = hostConfig(['-m', '512m', '--memory-swap', '-1', '--cpus', '1.5', '-c', '512', '--pids-limit', '10', '--ulimit', 'nofile=100:200', '--device-read-bps', '/dev/sda:1mb', '--restart', 'on-failure:3', '--stop-timeout', '5']);
  assert.equal(h['Memory'], 536870912);
  assert.equal(h['MemorySwap'], -1);
  assert.equal(h['NanoCpus'], 1.5e9);
  assert.equal(h['CpuShares'], 512);
  assert.equal(h['PidsLimit'], 10);
  assert.deepEqual(h['Ulimits'], [{ Name: 'nofile', Hard: 200, Soft: 100 }]);
  assert.deepEqual(h['BlkioDeviceReadBps'], [{ Path: '/dev/sda', Rate: 1048576 }]);
  assert.deepEqual(h['RestartPolicy'], { Name: 'on-failure', MaximumRetryCount: 3 });
});

test('a seccomp profile file is sent inline, compacted; a missing one fails as in docker', () => {
  const profile = path.join(dir, 'seccomp.json');
  writeFileSync(profile, '{\n  "defaultAction": "SCMP_ACT_ERRNO",\n  "syscalls": []\n}\n');
  assert.deepEqual(hostConfig(['--security-opt', `seccomp=${profile}`, '--security-opt', 'no-new-privileges'])['SecurityOpt'], [
    'seccomp={"defaultAction":"SCMP_ACT_ERRNO","syscalls":[]}',
    'no-new-privileges',
  ]);
  assert.throws(() => hostConfig(['--security-opt', 'seccomp=/nonexistent.json']), /^Error: opening seccomp profile \(\/nonexistent.json\) failed: open \/nonexistent.json: no such file or directory$/);
  assert.throws(() => hostConfig(['--security-opt', 'bogus']), /Invalid --security-opt: "bogus"/);
});

test('bad values are flag errors (exit 125 with usage); bad combinations plain errors', () => {
  assert.throws(() => hostConfig(['-m', '12x']), (e: unknown) => e instanceof FlagError && e.message === 'invalid argument "12x" for "-m, --memory" flag: invalid suffix: \'x\'');
  assert.throws(() => hostConfig(['--ulimit', 'nofile=a']), /invalid argument "nofile=a" for "--ulimit" flag: strconv.ParseInt: parsing "a": invalid syntax/);
  assert.throws(() => hostConfig(['--pids-limit', 'x']), FlagError);
  assert.throws(() => hostConfig(['-a', 'stdweird']), /valid streams are STDIN, STDOUT and STDERR/);
  assert.throws(() => hostConfig(['--rm', '--restart', 'always']), (e: unknown) => !(e instanceof FlagError) && /cannot specify both --restart and --rm/.test(String(e)));
  assert.throws(() => hostConfig(['--pull', 'sometimes']), /invalid pull option: 'sometimes'/);
});

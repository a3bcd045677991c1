import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { DEFAULT_CAPABILITIES, DEFAULT_DEVICE_CGROUP_RULES, DEFAULT_MASKED_PATHS, DEFAULT_READONLY_PATHS } from '../../../oci/defaults.js';
import { withoutNulls } from '../../../oci/json-check.js';
import { validateSpec } from '../../../oci/validate.js';
import { assertInvalid } from '../config/invalid.test-helper.js';
import { buildSpec } from './build-spec.js';
import { DEFAULT_PATH } from './env.js';
import { ID, specFor, specInput } from './spec-input.test-helper.js';

describe('buildSpec: a plain container', () => {
  const spec = specFor({});

  test('passes the OCI validator', () => {
    assert.doesNotThrow(() => validateSpec(structuredClone(spec)));
  });

  test('root, hostname and the process', () => {
    assert.deepEqual(spec.root, { path: '/var/lib/berth/containers/x/rootfs', readonly: false });
    assert.equal(spec.hostname, ID.slice(0, 12));
    assert.equal(spec.domainname, undefined);
    const p = spec.process;
    assert.deepEqual(p?.args, ['sh']);
    assert.deepEqual(p?.env, [`PATH=${DEFAULT_PATH}`, `HOSTNAME=${ID.slice(0, 12)}`]);
    assert.equal(p?.cwd, '/');
    assert.equal(p?.terminal, false);
    assert.deepEqual(p?.user, { uid: 0, gid: 0, additionalGids: [0] });
    assert.equal(p?.noNewPrivileges, false);
    assert.equal(p?.oomScoreAdj, 0);
    assert.equal(p?.rlimits, undefined, "the runtime keeps the caller's limits");
    assert.equal(p?.consoleSize, undefined);
  });

  test("Docker's default capabilities, none inheritable", () => {
    assert.deepEqual(spec.process?.capabilities, {
      bounding: [...DEFAULT_CAPABILITIES],
      effective: [...DEFAULT_CAPABILITIES],
      permitted: [...DEFAULT_CAPABILITIES],
    });
  });

  test('linux: namespaces, cgroup, paths, devices, seccomp, sysctls', () => {
    const l = spec.linux;
    assert.deepEqual(l?.namespaces?.map((n) => n.type), ['pid', 'network', 'ipc', 'uts', 'mount', 'cgroup']);
    assert.equal(l?.cgroupsPath, 'berth/x');
    assert.deepEqual(l?.maskedPaths, [...DEFAULT_MASKED_PATHS]);
    assert.deepEqual(l?.readonlyPaths, [...DEFAULT_READONLY_PATHS]);
    // (the validator's copy drops null wildcards)
    assert.deepEqual(l?.resources, { devices: withoutNulls(DEFAULT_DEVICE_CGROUP_RULES) });
    assert.deepEqual(l?.devices?.map((d) => d.path), ['/dev/null', '/dev/zero', '/dev/full', '/dev/random', '/dev/urandom', '/dev/tty']);
    assert.equal(l?.seccomp?.defaultAction, 'SCMP_ACT_ERRNO');
    assert.deepEqual(l?.sysctl, { 'net.ipv4.ping_group_range': '0 2147483647', 'net.ipv4.ip_unprivileged_port_start': '0' });
  });
});

describe('buildSpec: Config fields', () => {
  test('Entrypoint then Cmd', () => {
    assert.deepEqual(specFor({}, { Entrypoint: ['/bin/sh', '-c'], Cmd: ['echo hi'] }).process?.args, ['/bin/sh', '-c', 'echo hi']);
    assertInvalid(() => buildSpec(specInput({ config: {} })), /^no command specified$/);
  });

  test('Hostname and Domainname', () => {
    const s = specFor({}, { Hostname: 'web', Domainname: 'example.org', Cmd: ['sh'] });
    assert.equal(s.hostname, 'web');
    assert.equal(s.domainname, 'example.org');
    assert.ok(s.process?.env?.includes('HOSTNAME=web'));
  });

  test('Tty: a terminal, TERM=xterm, and the console size', () => {
    const s = specFor({ ConsoleSize: [40, 120] }, { Tty: true, Cmd: ['sh'] });
    assert.equal(s.process?.terminal, true);
    assert.ok(s.process?.env?.includes('TERM=xterm'));
    assert.deepEqual(s.process?.consoleSize, { height: 40, width: 120 });
    assert.equal(specFor({ ConsoleSize: [40, 120] }).process?.consoleSize, undefined, 'no tty, no console size');
    assert.equal(specFor({ ConsoleSize: [0, 0] }, { Tty: true, Cmd: ['sh'] }).process?.consoleSize, undefined);
  });

  test('Env overrides the defaults by name, appends, and unsets', () => {
    const s = specFor({}, { Env: ['PATH=/bin', 'A=1', 'HOSTNAME', 'B=x=y'], Cmd: ['sh'] });
    assert.deepEqual(s.process?.env, ['PATH=/bin', 'A=1', 'B=x=y']);
  });

  test('WorkingDir', () => {
    assert.equal(specFor({}, { WorkingDir: '/srv/app', Cmd: ['sh'] }).process?.cwd, '/srv/app');
    assert.equal(specFor({}, { WorkingDir: 'app', Cmd: ['sh'] }).process?.cwd, '/app', "an image's relative dir is taken from /");
  });

  test('the user comes resolved', () => {
    const s = specFor({}, { Cmd: ['sh'] }, { user: { uid: 1000, gid: 100, additionalGids: [100, 27] } });
    assert.deepEqual(s.process?.user, { uid: 1000, gid: 100, additionalGids: [100, 27] });
  });
});

describe('buildSpec: HostConfig fields', () => {
  test('ReadonlyRootfs', () => {
    const s = specFor({ ReadonlyRootfs: true });
    assert.equal(s.root?.readonly, true);
    assert.deepEqual(s.mounts?.find((m) => m.destination === '/etc/hosts')?.options, ['rbind', 'ro', 'rprivate']);
  });

  test('OomScoreAdj, Ulimits, no-new-privileges, annotations', () => {
    const s = specFor({
      OomScoreAdj: 500,
      Ulimits: [{ Name: 'nofile', Soft: 1024, Hard: 4096 }],
      SecurityOpt: ['no-new-privileges'],
      Annotations: { 'org.example/a': 'b' },
    });
    assert.equal(s.process?.oomScoreAdj, 500);
    assert.deepEqual(s.process?.rlimits, [{ type: 'RLIMIT_NOFILE', soft: 1024, hard: 4096 }]);
    assert.equal(s.process?.noNewPrivileges, true);
    assert.deepEqual(s.annotations, { 'org.example/a': 'b' });
  });

  test('apparmor options are accepted and have no effect', () => {
    assert.equal(specFor({ SecurityOpt: ['apparmor=docker-default'] }).process?.apparmorProfile, undefined);
  });

  test('--init runs docker-init as pid 1, bind-mounted read-only', () => {
    const s = specFor({ Init: true }, { Entrypoint: ['/e'], Cmd: ['a'] }, { initPath: '/usr/libexec/berth/tini' });
    assert.deepEqual(s.process?.args, ['/sbin/docker-init', '--', '/e', 'a']);
    assert.deepEqual(s.mounts?.find((m) => m.destination === '/sbin/docker-init'), {
      destination: '/sbin/docker-init',
      type: 'bind',
      source: '/usr/libexec/berth/tini',
      options: ['bind', 'ro'],
    });
  });

  test('--init without an init binary is refused; in a shared pid namespace it does not apply', () => {
    assertInvalid(() => buildSpec(specInput({ hostConfig: { Init: true } })), /^HostConfig\.Init: no init binary/);
    const s = specFor({ Init: true, PidMode: 'host' });
    assert.deepEqual(s.process?.args, ['sh']);
    assert.equal(s.mounts?.some((m) => m.destination === '/sbin/docker-init'), false);
  });

  test('MaskedPaths and ReadonlyPaths from the user, even empty', () => {
    const s = specFor({ MaskedPaths: ['/proc/x'], ReadonlyPaths: [] });
    assert.deepEqual(s.linux?.maskedPaths, ['/proc/x']);
    assert.deepEqual(s.linux?.readonlyPaths, []);
  });
});

describe('buildSpec: privileged', () => {
  const s = specFor({ Privileged: true, CapDrop: ['ALL'] });

  test('all capabilities, no seccomp, no masked or read-only paths, every device allowed', () => {
    assert.equal(s.process?.capabilities?.bounding?.length, 41);
    assert.equal(s.linux?.seccomp, undefined);
    assert.deepEqual(s.linux?.maskedPaths, []);
    assert.deepEqual(s.linux?.readonlyPaths, []);
    assert.deepEqual(s.linux?.resources?.devices, [{ allow: true, access: 'rwm' }]);
  });

  test('sysfs and the cgroup tree writable', () => {
    assert.equal(s.mounts?.find((m) => m.destination === '/sys')?.options?.includes('ro'), false);
    assert.equal(s.mounts?.find((m) => m.destination === '/sys/fs/cgroup')?.options?.includes('ro'), false);
  });

  test("the host's devices when the caller lists them", () => {
    const t = specFor({ Privileged: true }, { Cmd: ['sh'] }, { devices: [{ type: 'b', path: '/dev/sda', major: 8, minor: 0, fileMode: 0o660, uid: 0, gid: 6 }] });
    assert.ok(t.linux?.devices?.some((d) => d.path === '/dev/sda' && d.major === 8));
  });
});

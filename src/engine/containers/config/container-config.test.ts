import assert from 'node:assert/strict';
import { test } from 'node:test';

import { parseContainerConfig } from './container-config.js';
import { assertInvalid } from './invalid.test-helper.js';
import { parseSignal } from './signals.js';

test('every field is read with its type; unknown fields are ignored', () => {
  const c = parseContainerConfig({
    Hostname: 'web',
    Domainname: 'example.org',
    User: '1000:1000',
    AttachStdin: true,
    OpenStdin: true,
    StdinOnce: true,
    Tty: true,
    ExposedPorts: { '80/tcp': {} },
    Env: ['A=1'],
    Cmd: ['a'],
    Entrypoint: ['b'],
    Image: 'alpine',
    Volumes: { '/data': {} },
    WorkingDir: '/srv/../app/',
    Labels: { a: 'b' },
    StopSignal: 'SIGUSR1',
    StopTimeout: 20,
    Healthcheck: { Test: ['CMD', 'true'], Interval: 1e9 },
    ArgsEscaped: false,
    NetworkDisabled: true,
    MacAddress: '02:42:ac:11:00:02',
    OnBuild: ['RUN x'],
    Shell: ['/bin/sh', '-c'],
    NotAField: 1,
  });
  assert.equal(c.WorkingDir, '/app');
  assert.equal(parseContainerConfig({ WorkingDir: '/' }).WorkingDir, '/');
  assert.equal(c.StopTimeout, 20);
  assert.deepEqual(c.Healthcheck, { Test: ['CMD', 'true'], Interval: 1e9 });
  assert.equal((c as Record<string, unknown>)['NotAField'], undefined);
});

test("Docker's rules for the config", () => {
  assertInvalid(() => parseContainerConfig({ WorkingDir: 'app' }), /^WorkingDir: the working directory 'app' is invalid, it needs to be an absolute path$/);
  assertInvalid(() => parseContainerConfig({ StopSignal: 'SIGFOO' }), /^StopSignal: invalid signal: SIGFOO$/);
  assertInvalid(() => parseContainerConfig({ Env: ['=x'] }), /^Env\[0\]: invalid environment variable: =x$/);
  assertInvalid(() => parseContainerConfig({ Env: [''] }), /invalid environment variable/);
  assertInvalid(() => parseContainerConfig({ Healthcheck: { Interval: 5 } }), /^Healthcheck\.Interval: Interval in Healthcheck cannot be less than 1ms$/);
  assertInvalid(() => parseContainerConfig({ Healthcheck: { StartPeriod: -1 } }), /StartPeriod in Healthcheck cannot be less than 1ms/);
  assertInvalid(() => parseContainerConfig({ Healthcheck: { Retries: -1 } }), /Retries in Healthcheck cannot be negative/);
  assertInvalid(() => parseContainerConfig({ Hostname: 'x'.repeat(65) }), /^Hostname: must be at most 64 characters, got 65$/);
  assert.deepEqual(parseContainerConfig({ Env: ['UNSET_ME'] }).Env, ['UNSET_ME']);
});

test('signals by name, with or without SIG, any case, or by number', () => {
  assert.equal(parseSignal('TERM', 'f'), 15);
  assert.equal(parseSignal('sigkill', 'f'), 9);
  assert.equal(parseSignal('SIGRTMIN+3', 'f'), 37);
  assert.equal(parseSignal('RTMAX-1', 'f'), 63);
  assert.equal(parseSignal('10', 'f'), 10);
  assertInvalid(() => parseSignal('0', 'f'), /invalid signal: 0/);
  assertInvalid(() => parseSignal('65', 'f'), /invalid signal: 65/);
});

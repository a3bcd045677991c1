import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import type { ContainerConfig as ImageContainerConfig } from '../../../image/image-config.js';
import { assertInvalid } from './invalid.test-helper.js';
import { mergeImageConfig } from './merge-image-config.js';

const image: ImageContainerConfig = {
  User: 'app',
  Env: ['PATH=/usr/bin', 'LANG=C', 'HOME=/home/app'],
  Entrypoint: ['/entry.sh'],
  Cmd: ['serve', '--port', '80'],
  ArgsEscaped: true,
  WorkingDir: '/srv',
  StopSignal: 'SIGQUIT',
  ExposedPorts: { '80/tcp': {} },
  Volumes: { '/data': {} },
  Labels: { maintainer: 'img', tier: 'img' },
  Healthcheck: { Test: ['CMD', 'true'], Interval: 30e9, Retries: 3 },
  OnBuild: ['RUN x'],
};

describe('mergeImageConfig', () => {
  test('with nothing from the user, the image decides', () => {
    const c = mergeImageConfig({ Image: 'img' }, image);
    assert.deepEqual(c.Entrypoint, ['/entry.sh']);
    assert.deepEqual(c.Cmd, ['serve', '--port', '80']);
    assert.equal(c.ArgsEscaped, true);
    assert.equal(c.User, 'app');
    assert.equal(c.WorkingDir, '/srv');
    assert.equal(c.StopSignal, 'SIGQUIT');
    assert.deepEqual(c.Env, image.Env);
    assert.deepEqual(c.Labels, image.Labels);
    assert.deepEqual(c.Healthcheck, image.Healthcheck);
    // OnBuild and Shell are for builds of child images, not for containers.
    assert.equal(c.OnBuild, undefined);
  });

  test("the user's Env wins by name; the image's other variables stay, after the user's", () => {
    const c = mergeImageConfig({ Env: ['LANG=en_US.UTF-8', 'EXTRA=1', 'HOME'] }, image);
    assert.deepEqual(c.Env, ['LANG=en_US.UTF-8', 'EXTRA=1', 'HOME', 'PATH=/usr/bin']);
  });

  test('a user Cmd replaces the image Cmd and keeps its Entrypoint', () => {
    const c = mergeImageConfig({ Cmd: ['shell'] }, image);
    assert.deepEqual(c.Entrypoint, ['/entry.sh']);
    assert.deepEqual(c.Cmd, ['shell']);
    assert.equal(c.ArgsEscaped, undefined);
  });

  test("a user Entrypoint drops the image's Cmd", () => {
    const c = mergeImageConfig({ Entrypoint: ['/bin/sh'] }, image);
    assert.deepEqual(c.Entrypoint, ['/bin/sh']);
    assert.equal(c.Cmd, undefined);
    const d = mergeImageConfig({ Entrypoint: ['/bin/sh'], Cmd: ['-c', 'true'] }, image);
    assert.deepEqual([d.Entrypoint, d.Cmd], [['/bin/sh'], ['-c', 'true']]);
  });

  test('--entrypoint "" ([""]) removes the entrypoint and, like any user entrypoint, the image Cmd', () => {
    const c = mergeImageConfig({ Entrypoint: [''], Cmd: ['ls'] }, image);
    assert.equal(c.Entrypoint, undefined);
    assert.deepEqual(c.Cmd, ['ls']);
    assertInvalid(() => mergeImageConfig({ Entrypoint: [''] }, image), /^no command specified$/);
  });

  test('an empty entrypoint list removes the entrypoint but keeps the image Cmd', () => {
    const d = mergeImageConfig({ Entrypoint: [] }, image);
    assert.deepEqual(d.Entrypoint, []);
    assert.deepEqual(d.Cmd, ['serve', '--port', '80']);
  });

  test('ports, volumes and labels are merged, the user winning on labels', () => {
    const c = mergeImageConfig({ ExposedPorts: { '443/tcp': {} }, Volumes: { '/logs': {} }, Labels: { tier: 'user' } }, image);
    assert.deepEqual(Object.keys(c.ExposedPorts ?? {}).sort(), ['443/tcp', '80/tcp']);
    assert.deepEqual(Object.keys(c.Volumes ?? {}).sort(), ['/data', '/logs']);
    assert.deepEqual(c.Labels, { maintainer: 'img', tier: 'user' });
  });

  test('user, working dir and stop signal from the user win', () => {
    const c = mergeImageConfig({ User: '0', WorkingDir: '/', StopSignal: 'SIGINT' }, image);
    assert.deepEqual([c.User, c.WorkingDir, c.StopSignal], ['0', '/', 'SIGINT']);
  });

  test("Healthcheck: the user's fields, the image's for those left zero", () => {
    const c = mergeImageConfig({ Healthcheck: { Interval: 5e9, Timeout: 0 } }, image);
    assert.deepEqual(c.Healthcheck, { Test: ['CMD', 'true'], Interval: 5e9, Timeout: 0, Retries: 3 });
    const d = mergeImageConfig({ Healthcheck: { Test: ['NONE'] } }, image);
    assert.deepEqual(d.Healthcheck?.Test, ['NONE']);
  });

  test('the input is not changed', () => {
    const user = { Env: ['A=1'], Labels: { a: 'b' } };
    mergeImageConfig(user, image);
    assert.deepEqual(user, { Env: ['A=1'], Labels: { a: 'b' } });
  });

  test('nothing to run is an error in Docker words', () => {
    assertInvalid(() => mergeImageConfig({}, {}), /^no command specified$/);
    assertInvalid(() => mergeImageConfig({ Entrypoint: [''] }, { Entrypoint: ['/x'] }), /^no command specified$/);
    assert.deepEqual(mergeImageConfig({}, { Cmd: ['sh'] }).Cmd, ['sh']);
  });
});

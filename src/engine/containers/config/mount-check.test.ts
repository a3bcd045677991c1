import assert from 'node:assert/strict';
import { test } from 'node:test';

import type { HostConfig } from './host-config.js';
import { assertInvalid } from './invalid.test-helper.js';
import { checkMounts, checkMountSpec } from './mount-check.js';

const ok = (hc: HostConfig) => assert.doesNotThrow(() => checkMounts(hc));
const bad = (hc: HostConfig, re: RegExp) => assertInvalid(() => checkMounts(hc), re);

test('--mount objects as Docker checks them', () => {
  assert.equal(checkMountSpec({ Type: 'bind', Source: '/srv', Target: '/data/' }, 'M'), '/data');
  assertInvalid(() => checkMountSpec({ Source: '/srv', Target: '/d' }, 'M'), /^M\.Type: is required$/);
  assertInvalid(() => checkMountSpec({ Type: 'npipe', Target: '/d' }, 'M'), /mount type "npipe" is not supported/);
  assertInvalid(() => checkMountSpec({ Type: 'bind', Target: '/d' }, 'M'), /^M: invalid mount config for type "bind": field Source must not be empty$/);
  assertInvalid(() => checkMountSpec({ Type: 'bind', Source: 'rel', Target: '/d' }, 'M'), /invalid mount path: 'rel' mount path must be absolute/);
  assertInvalid(() => checkMountSpec({ Type: 'bind', Source: '/s' }, 'M'), /field Target must not be empty/);
  assertInvalid(() => checkMountSpec({ Type: 'volume', Target: '/' }, 'M'), /destination can't be '\/'/);
  assertInvalid(() => checkMountSpec({ Type: 'volume', Target: '/d', BindOptions: {} }, 'M'), /field BindOptions must not be specified/);
  assertInvalid(() => checkMountSpec({ Type: 'tmpfs', Source: 'x', Target: '/d' }, 'M'), /field Source must not be specified/);
  assertInvalid(() => checkMountSpec({ Type: 'bind', Source: '/s', Target: '/d', BindOptions: { Propagation: 'weird' } }, 'M'), /invalid propagation mode: weird/);
  assertInvalid(() => checkMountSpec({ Type: 'volume', Source: '/host', Target: '/d' }, 'M'), /a host path needs type=bind/);
});

test('no two mounts on one destination, whichever way they were asked for', () => {
  bad({ Binds: ['/a:/data', '/b:/data/'] }, /^HostConfig\.Binds\[1\]: Duplicate mount point: \/data$/);
  bad({ Tmpfs: { '/run': '' }, Binds: ['/a:/run'] }, /Duplicate mount point: \/run/);
  bad({ Binds: ['vol:/x'], Mounts: [{ Type: 'tmpfs', Target: '/x' }] }, /^HostConfig\.Mounts\[0\]: Duplicate mount point: \/x$/);
  ok({ Binds: ['/a:/a', 'vol:/b'], Tmpfs: { '/run': 'size=1m' }, Mounts: [{ Type: 'volume', Target: '/c' }] });
});

test('tmpfs destinations and options', () => {
  bad({ Tmpfs: { run: '' } }, /^HostConfig\.Tmpfs\.run: invalid mount path: 'run' mount path must be absolute$/);
  bad({ Tmpfs: { '/': '' } }, /destination can't be '\/'/);
  bad({ Tmpfs: { '/run': 'size' } }, /invalid tmpfs option "size"/);
});

test('volumes-from specs', () => {
  ok({ VolumesFrom: ['data', 'data:ro'] });
  bad({ VolumesFrom: ['data:rx'] }, /invalid volumes-from specification: "data:rx"/);
  bad({ VolumesFrom: [':ro'] }, /invalid volumes-from specification/);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { isValidMountMode, parseBind } from './binds.js';
import { assertInvalid } from './invalid.test-helper.js';

const F = 'HostConfig.Binds[0]';

test('host paths are binds, names are volumes, a lone path is an anonymous volume', () => {
  assert.deepEqual(parseBind('/srv/data:/data', F), { type: 'bind', source: '/srv/data', destination: '/data', readOnly: false, mode: '' });
  assert.deepEqual(parseBind('/srv//x/:/x/:ro,rshared', F), {
    type: 'bind',
    source: '/srv/x/',
    destination: '/x',
    readOnly: true,
    propagation: 'rshared',
    mode: 'ro,rshared',
  });
  assert.deepEqual(parseBind('cache:/var/cache:nocopy', F), { type: 'volume', source: 'cache', destination: '/var/cache', readOnly: false, noCopy: true, mode: 'nocopy' });
  assert.deepEqual(parseBind('/data', F), { type: 'volume', destination: '/data', readOnly: false, mode: '' });
});

test("Docker's errors", () => {
  assertInvalid(() => parseBind('', F), /^HostConfig\.Binds\[0\]: invalid volume specification: ''$/);
  assertInvalid(() => parseBind('/a:/b:ro:x', F), /invalid volume specification: '\/a:\/b:ro:x'/);
  // A destination with a mode but no source.
  assertInvalid(() => parseBind('/data:ro', F), /invalid volume specification: '\/data:ro'$/);
  assertInvalid(() => parseBind('/a:/b:rx', F), /^HostConfig\.Binds\[0\]: invalid mode: rx$/);
  assertInvalid(() => parseBind('/a:/b:ro,rw', F), /invalid mode: ro,rw/);
  assertInvalid(() => parseBind('/a:b', F), /mount path must be absolute/);
  assertInvalid(() => parseBind('/a:/', F), /destination can't be '\/'/);
  assertInvalid(() => parseBind('vol:/x:rshared', F), /field BindOptions must not be specified/);
  assertInvalid(() => parseBind('a b:/x', F), /includes invalid characters for a local volume name/);
});

test('mount modes: each known, one of each kind', () => {
  assert.equal(isValidMountMode('ro,z,rslave,nocopy,cached'), true);
  assert.equal(isValidMountMode('z,Z'), false);
  assert.equal(isValidMountMode('private,shared'), false);
  assert.equal(isValidMountMode('exec'), false);
});

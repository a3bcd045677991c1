import assert from 'node:assert/strict';
import { test } from 'node:test';

import { ALL_CAPABILITIES } from '../../../oci/capabilities.js';
import { DEFAULT_CAPABILITIES } from '../../../oci/defaults.js';
import { assertInvalid } from '../config/invalid.test-helper.js';
import { tweakCapabilities } from './capabilities.js';
import { specFor } from './spec-input.test-helper.js';

test("Docker's defaults when nothing is asked", () => {
  assert.deepEqual(tweakCapabilities({}), [...DEFAULT_CAPABILITIES]);
});

test('CapAdd and CapDrop, with or without CAP_, any case, no duplicates', () => {
  const caps = tweakCapabilities({ CapAdd: ['sys_admin', 'CAP_NET_ADMIN', 'chown'], CapDrop: ['NET_RAW', 'cap_mknod'] });
  assert.ok(caps.includes('CAP_SYS_ADMIN') && caps.includes('CAP_NET_ADMIN'));
  assert.ok(!caps.includes('CAP_NET_RAW') && !caps.includes('CAP_MKNOD'));
  assert.equal(caps.filter((c) => c === 'CAP_CHOWN').length, 1);
});

test('ALL in CapAdd: everything but the dropped ones', () => {
  const caps = tweakCapabilities({ CapAdd: ['ALL'], CapDrop: ['SYS_ADMIN'] });
  assert.deepEqual(caps, ALL_CAPABILITIES.filter((c) => c !== 'CAP_SYS_ADMIN'));
});

test('ALL in CapDrop: only the added ones', () => {
  assert.deepEqual(tweakCapabilities({ CapDrop: ['all'], CapAdd: ['NET_BIND_SERVICE'] }), ['CAP_NET_BIND_SERVICE']);
  assert.deepEqual(tweakCapabilities({ CapDrop: ['ALL'] }), []);
});

test('privileged: all of them, whatever CapAdd and CapDrop say', () => {
  assert.deepEqual(tweakCapabilities({ Privileged: true, CapDrop: ['ALL'] }), [...ALL_CAPABILITIES]);
});

test('an unknown name is refused naming the field', () => {
  assertInvalid(() => tweakCapabilities({ CapAdd: ['CHOWN', 'FLY'] }), /^HostConfig\.CapAdd\[1\]: unknown capability "FLY"$/);
});

test('the spec gives the same set as bounding, effective and permitted', () => {
  const s = specFor({ CapDrop: ['ALL'], CapAdd: ['KILL'] });
  assert.deepEqual(s.process?.capabilities, { bounding: ['CAP_KILL'], effective: ['CAP_KILL'], permitted: ['CAP_KILL'] });
});

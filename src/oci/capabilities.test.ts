import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { isBerthError } from '../errors.js';
import {
  ALL_CAPABILITIES,
  CAP_LAST_CAP,
  capabilityMask,
  capabilityNumber,
  normalizeCapability,
} from './capabilities.js';

describe('capabilities', () => {
  it('numbers capabilities as <linux/capability.h> does', () => {
    assert.equal(capabilityNumber('CAP_CHOWN', 'f'), 0);
    assert.equal(capabilityNumber('CAP_NET_RAW', 'f'), 13);
    assert.equal(capabilityNumber('CAP_SYS_ADMIN', 'f'), 21);
    assert.equal(capabilityNumber('CAP_AUDIT_WRITE', 'f'), 29);
    assert.equal(capabilityNumber('CAP_SETFCAP', 'f'), 31);
    assert.equal(capabilityNumber('CAP_BPF', 'f'), 39);
    assert.equal(capabilityNumber('CAP_CHECKPOINT_RESTORE', 'f'), 40);
  });

  it('lists every capability once, in bit order', () => {
    assert.equal(ALL_CAPABILITIES.length, CAP_LAST_CAP + 1);
    ALL_CAPABILITIES.forEach((name, i) => assert.equal(capabilityNumber(name, 'f'), i));
  });

  it('rejects unknown names, naming the field', () => {
    assert.throws(
      () => capabilityNumber('CAP_FOO', 'process.capabilities.bounding[3]'),
      (e: unknown) =>
        isBerthError(e, 'InvalidArgument') &&
        e.message === 'process.capabilities.bounding[3]: unknown capability "CAP_FOO"',
    );
    // Not the OCI spelling, and no prototype lookups.
    assert.throws(() => capabilityNumber('chown', 'f'), /unknown capability "chown"/);
    assert.throws(() => capabilityNumber('toString', 'f'), /unknown capability/);
  });

  it('builds 64-bit masks', () => {
    assert.equal(capabilityMask([], 'f'), 0n);
    assert.equal(capabilityMask(['CAP_CHOWN', 'CAP_KILL'], 'f'), 0b100001n);
    assert.equal(capabilityMask(['CAP_MAC_OVERRIDE'], 'f'), 1n << 32n);
    assert.equal(capabilityMask(ALL_CAPABILITIES, 'f'), (1n << 41n) - 1n);
  });

  it('names the element in mask errors', () => {
    assert.throws(() => capabilityMask(['CAP_KILL', 'CAP_NOPE'], 'caps'), /^BerthError: caps\[1\]: unknown capability "CAP_NOPE"$/);
  });

  it('normalizes Docker spellings', () => {
    assert.equal(normalizeCapability('chown', 'f'), 'CAP_CHOWN');
    assert.equal(normalizeCapability('cap_net_admin', 'f'), 'CAP_NET_ADMIN');
    assert.equal(normalizeCapability('CAP_SYS_ADMIN', 'f'), 'CAP_SYS_ADMIN');
    assert.equal(normalizeCapability('all', 'f'), 'ALL');
    assert.throws(() => normalizeCapability('bogus', 'HostConfig.CapAdd[0]'), /HostConfig\.CapAdd\[0\]: unknown capability "bogus"/);
  });
});

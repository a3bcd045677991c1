import assert from 'node:assert/strict';
import { test } from 'node:test';

import { isBerthError } from '../errors.js';
import { allocateAddress, type Pool } from './ipam.js';
import { formatIPv4, parseCidr, parseIPv4 } from './ipv4.js';

const pool = (taken: string[], subnet = '10.5.0.0/29', gateway = '10.5.0.1'): Pool => ({
  network: 'n',
  subnet: parseCidr(subnet),
  gateway: parseIPv4(gateway) ?? 0,
  taken: new Set(taken.map((t) => parseIPv4(t) ?? 0)),
});

test('the lowest free host address, never the gateway', () => {
  assert.equal(formatIPv4(allocateAddress(pool([]))), '10.5.0.2');
  assert.equal(formatIPv4(allocateAddress(pool(['10.5.0.2', '10.5.0.4']))), '10.5.0.3');
  assert.equal(formatIPv4(allocateAddress(pool([], '10.5.0.0/29', '10.5.0.6'))), '10.5.0.1');
});

test('a full subnet is Unavailable; the broadcast address is never handed out', () => {
  const full = pool(['10.5.0.2', '10.5.0.3', '10.5.0.4', '10.5.0.5', '10.5.0.6']);
  assert.throws(() => allocateAddress(full), (e) => isBerthError(e, 'Unavailable'));
});

test('a requested address is checked', () => {
  assert.equal(formatIPv4(allocateAddress(pool([]), '10.5.0.5')), '10.5.0.5');
  assert.throws(() => allocateAddress(pool(['10.5.0.5']), '10.5.0.5'), (e) => isBerthError(e, 'Conflict'));
  assert.throws(() => allocateAddress(pool([]), '10.5.0.1'), /is the gateway/);
  assert.throws(() => allocateAddress(pool([]), '10.5.0.7'), (e) => isBerthError(e, 'InvalidArgument'));
  assert.throws(() => allocateAddress(pool([]), '10.6.0.2'), /not a host address of 10\.5\.0\.0\/29/);
  assert.throws(() => allocateAddress(pool([]), 'x'), /not an IPv4 address/);
});

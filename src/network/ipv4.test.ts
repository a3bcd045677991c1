import assert from 'node:assert/strict';
import { test } from 'node:test';

import { isBerthError } from '../errors.js';
import { broadcast, contains, formatCidr, formatIPv4, macFromIPv4, overlaps, parseCidr, parseIPv4 } from './ipv4.js';

test('addresses parse and format', () => {
  assert.equal(parseIPv4('172.30.0.1'), 0xac1e0001);
  assert.equal(formatIPv4(0xac1e0001), '172.30.0.1');
  assert.equal(formatIPv4(0xffffffff), '255.255.255.255');
  for (const bad of ['1.2.3', '1.2.3.256', '1.2.3.4.5', 'a.b.c.d', '01.2.3.1234', '']) {
    assert.equal(parseIPv4(bad), undefined, bad);
  }
});

test('subnets parse, with host bits refused as Docker does', () => {
  const c = parseCidr('172.30.0.0/16');
  assert.equal(formatCidr(c), '172.30.0.0/16');
  assert.equal(formatIPv4(broadcast(c)), '172.30.255.255');
  assert.ok(contains(c, parseIPv4('172.30.4.5') ?? 0));
  assert.ok(!contains(c, parseIPv4('172.31.0.1') ?? 0));
  assert.throws(() => parseCidr('172.30.1.5/16'), /host bits are set: it should be 172\.30\.0\.0\/16/);
  assert.throws(() => parseCidr('172.30.0.0'), (e) => isBerthError(e, 'InvalidArgument'));
  assert.throws(() => parseCidr('172.30.0.0/33'), (e) => isBerthError(e, 'InvalidArgument'));
});

test('overlap is containment either way', () => {
  assert.ok(overlaps(parseCidr('10.0.0.0/8'), parseCidr('10.1.2.0/24')));
  assert.ok(overlaps(parseCidr('10.1.2.0/24'), parseCidr('10.0.0.0/8')));
  assert.ok(!overlaps(parseCidr('10.1.2.0/24'), parseCidr('10.1.3.0/24')));
  assert.ok(overlaps(parseCidr('0.0.0.0/0'), parseCidr('192.168.1.0/24')));
});

test('the MAC is 02:42 and the address, as Docker makes it', () => {
  assert.equal(macFromIPv4(parseIPv4('172.17.0.2') ?? 0), '02:42:ac:11:00:02');
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { isBerthError } from '../../errors.js';
import { addressOfReverseName, bytesToIpv6, ipv4ToBytes, ipv6ToBytes, reverseName } from './ip.js';

describe('dns addresses', () => {
  it('converts IPv4 both ways', () => {
    assert.deepEqual(ipv4ToBytes('10.1.2.254'), Buffer.from([10, 1, 2, 254]));
    assert.throws(() => ipv4ToBytes('10.1.2'), (e: unknown) => isBerthError(e, 'InvalidArgument'));
  });

  it('converts IPv6 both ways in RFC 5952 form', () => {
    for (const [text, canonical] of [
      ['::', '::'],
      ['::1', '::1'],
      ['2001:DB8:0:0:0:0:2:1', '2001:db8::2:1'],
      ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
      ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'],
      ['fe80::', 'fe80::'],
      ['::ffff:10.0.0.1', '::ffff:a00:1'],
    ] as const) {
      assert.equal(bytesToIpv6(ipv6ToBytes(text)), canonical, text);
    }
    assert.equal(ipv6ToBytes('::ffff:10.0.0.1').readUInt32BE(12), 0x0a000001);
  });

  it('maps reverse names to addresses and nothing else', () => {
    assert.equal(reverseName('10.0.0.2'), '2.0.0.10.in-addr.arpa');
    assert.equal(addressOfReverseName('2.0.0.10.in-addr.arpa'), '10.0.0.2');
    for (const other of ['0.10.in-addr.arpa', '256.0.0.10.in-addr.arpa', '02.0.0.10.in-addr.arpa', 'x.2.0.0.10.in-addr.arpa', 'web']) {
      assert.equal(addressOfReverseName(other), undefined, other);
    }
  });
});

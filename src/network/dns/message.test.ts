import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { BerthError } from '../../errors.js';
import { RecordClass, RecordType } from './constants.js';
import { encodeMessage } from './encode.js';
import { decodeMessage, type DnsMessage, type DnsRecord } from './message.js';
import { ednsOpt } from './test-fixtures.js';

const a = (name: string, ip: string): DnsRecord => ({ name, type: RecordType.A, class: RecordClass.IN, ttl: 600, data: ip });

const full: DnsMessage = {
  id: 0xbeef,
  flags: { qr: true, opcode: 0, aa: true, tc: false, rd: true, ra: true, ad: true, cd: true, rcode: 3 },
  questions: [{ name: 'www.example.com', type: RecordType.ANY, class: RecordClass.IN }],
  answers: [
    { name: 'www.example.com', type: RecordType.CNAME, class: RecordClass.IN, ttl: 60, data: 'web.example.com' },
    a('web.example.com', '192.0.2.7'),
    { name: 'web.example.com', type: RecordType.AAAA, class: RecordClass.IN, ttl: 60, data: '2001:db8::7' },
    { name: '7.2.0.192.in-addr.arpa', type: RecordType.PTR, class: RecordClass.IN, ttl: 60, data: 'web.example.com' },
  ],
  authorities: [{ name: 'example.com', type: RecordType.NS, class: RecordClass.IN, ttl: 3600, data: 'ns1.example.com' }],
  additionals: [
    { name: 'example.com', type: RecordType.MX, class: RecordClass.IN, ttl: 3600, data: Buffer.from([0, 10, 0]) },
    ednsOpt(1232),
  ],
};

describe('dns message codec', () => {
  it('round-trips every section and flag', () => {
    assert.deepEqual(decodeMessage(encodeMessage(full)), full);
  });

  it('reads a query as another implementation writes it', () => {
    // example.com A, the way dig +noedns sends it (RD and AD set).
    const wire = Buffer.from('abcd01200001000000000000076578616d706c6503636f6d0000010001', 'hex');
    const msg = decodeMessage(wire);
    assert.equal(msg.id, 0xabcd);
    assert.equal(msg.flags.rd, true);
    assert.equal(msg.flags.ad, true);
    assert.deepEqual(msg.questions, [{ name: 'example.com', type: RecordType.A, class: RecordClass.IN }]);
    assert.deepEqual(encodeMessage(msg), wire);
  });

  it('points answer names back at the question', () => {
    const msg: DnsMessage = { ...full, answers: [a('www.example.com', '192.0.2.1')], authorities: [], additionals: [] };
    const wire = encodeMessage(msg);
    // header 12 + question 17+4 + answer (2-byte pointer + 10 + 4)
    assert.equal(wire.length, 12 + 21 + 16);
    assert.deepEqual(wire.subarray(33, 35), Buffer.from([0xc0, 12]));
  });

  it('fails every truncation of a valid message with InvalidArgument', () => {
    const wire = encodeMessage(full);
    for (let n = 0; n < wire.length; n++) {
      assert.throws(() => decodeMessage(wire.subarray(0, n)), BerthError, `length ${n}`);
    }
  });

  it('never throws anything but InvalidArgument on corrupted input', () => {
    const wire = encodeMessage(full);
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let i = 0; i < 5000; i++) {
      const bad = Buffer.from(wire);
      for (let k = 0; k < 1 + Math.floor(random() * 4); k++) bad[Math.floor(random() * bad.length)] = Math.floor(random() * 256);
      try {
        decodeMessage(bad);
      } catch (e) {
        assert.ok(e instanceof BerthError && e.category === 'InvalidArgument', String(e));
      }
    }
  });

  it('refuses records whose data does not match their type', () => {
    const wire = encodeMessage({ ...full, answers: [a('x', '192.0.2.1')], authorities: [], additionals: [] });
    const short = Buffer.from(wire);
    short.writeUInt16BE(3, wire.length - 6); // A with rdlength 3
    assert.throws(() => decodeMessage(short), /type 1 with 3 bytes/);
    const cname = encodeMessage({
      ...full,
      answers: [{ name: 'x', type: RecordType.CNAME, class: 1, ttl: 1, data: 'y' }],
      authorities: [],
      additionals: [],
    });
    const long = Buffer.concat([cname, Buffer.from([0])]);
    long.writeUInt16BE(4, cname.length - 5); // rdlength says 4, the name takes 3
    assert.throws(() => decodeMessage(long), /does not fill/);
  });

  it('truncates a UDP answer to whole records and sets TC', () => {
    const answers = Array.from({ length: 60 }, (_, i) => a('web', `10.0.${i >> 8}.${i & 255}`));
    const msg: DnsMessage = { ...full, flags: { ...full.flags, rcode: 0 }, answers, authorities: [], additionals: [] };
    const wire = encodeMessage(msg, 512);
    assert.ok(wire.length <= 512);
    const back = decodeMessage(wire);
    assert.equal(back.flags.tc, true);
    assert.ok(back.answers.length > 20 && back.answers.length < 60, `${back.answers.length} answers`);
    assert.deepEqual(back.answers, answers.slice(0, back.answers.length));

    const untruncated = decodeMessage(encodeMessage(msg, 4096));
    assert.equal(untruncated.flags.tc, false);
    assert.equal(untruncated.answers.length, 60);
  });

  it('keeps the OPT record in a truncated answer', () => {
    const answers = Array.from({ length: 60 }, (_, i) => a('web', `10.0.0.${i}`));
    const msg: DnsMessage = { ...full, answers, authorities: [], additionals: [ednsOpt(512)] };
    const wire = encodeMessage(msg, 512);
    assert.ok(wire.length <= 512);
    const back = decodeMessage(wire);
    assert.equal(back.flags.tc, true);
    assert.deepEqual(back.additionals, [ednsOpt(512)]);
  });
});

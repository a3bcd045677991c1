import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { isBerthError } from '../../errors.js';
import { Rcode, RecordType } from './constants.js';
import { decide, type Decision } from './local-answer.js';
import type { DnsMessage } from './message.js';
import { RecordTable } from './record-table.js';
import { ednsOpt, queryMessage } from './test-fixtures.js';

const table = new RecordTable([
  { names: ['web', 'Frontend.', 'web.mynet'], ipv4: '10.0.0.2' },
  { names: ['db'], ipv4: '10.0.0.3' },
  { names: ['replica-1', 'api'], ipv4: '10.0.0.4' },
  { names: ['replica-2', 'api'], ipv4: '10.0.0.5' },
]);

function reply(d: Decision): DnsMessage {
  assert.equal(d.action, 'answer');
  return (d as Extract<Decision, { action: 'answer' }>).reply;
}

describe('local answers', () => {
  it('answers A for a known name, whatever its case and trailing dot, with TTL 600', () => {
    for (const name of ['web', 'WEB', 'web.', 'frontend', 'FrontEnd.', 'web.mynet']) {
      const r = reply(decide(queryMessage(name), table));
      assert.equal(r.flags.rcode, Rcode.NOERROR);
      assert.equal(r.flags.qr, true);
      assert.equal(r.id, 0x1234);
      assert.deepEqual(r.questions, [{ name, type: RecordType.A, class: 1 }], 'question echoed as asked');
      assert.deepEqual(r.answers, [{ name, type: RecordType.A, class: 1, ttl: 600, data: '10.0.0.2' }]);
    }
  });

  it('gives every address of a shared alias', () => {
    const r = reply(decide(queryMessage('api'), table));
    assert.deepEqual(r.answers.map((rr) => rr.data).sort(), ['10.0.0.4', '10.0.0.5']);
  });

  it('answers NOERROR with no records for other types of a known name', () => {
    for (const type of [RecordType.AAAA, RecordType.MX, RecordType.TXT]) {
      const r = reply(decide(queryMessage('db', type), table));
      assert.equal(r.flags.rcode, Rcode.NOERROR);
      assert.deepEqual(r.answers, []);
    }
  });

  it('answers PTR for a known address with its first name', () => {
    const r = reply(decide(queryMessage('2.0.0.10.IN-ADDR.ARPA.', RecordType.PTR), table));
    assert.deepEqual(r.answers.map((rr) => rr.data), ['web']);
  });

  it('forwards unknown names, unknown addresses and other classes', () => {
    for (const q of [
      queryMessage('example.com'),
      queryMessage('web.example.com'),
      queryMessage('9.0.0.10.in-addr.arpa', RecordType.PTR),
      queryMessage('web', RecordType.PTR),
      { ...queryMessage('web'), questions: [{ name: 'web', type: RecordType.A, class: 3 }] },
    ]) {
      assert.equal(decide(q, table).action, 'forward', JSON.stringify(q.questions));
    }
  });

  it('drops responses and refuses what it cannot interpret', () => {
    const q = queryMessage('web');
    assert.equal(decide({ ...q, flags: { ...q.flags, qr: true } }, table).action, 'drop');
    assert.equal(reply(decide({ ...q, flags: { ...q.flags, opcode: 2 } }, table)).flags.rcode, Rcode.NOTIMP);
    assert.equal(reply(decide({ ...q, questions: [] }, table)).flags.rcode, Rcode.FORMERR);
    assert.equal(reply(decide({ ...q, questions: [...q.questions, ...q.questions] }, table)).flags.rcode, Rcode.FORMERR);
    assert.equal(reply(decide({ ...q, additionals: [ednsOpt(4096), ednsOpt(4096)] }, table)).flags.rcode, Rcode.FORMERR);
  });

  it('answers an EDNS query with an OPT record, and BADVERS to an unknown version', () => {
    const r = reply(decide(queryMessage('web', RecordType.A, { additionals: [ednsOpt(1232)] }), table));
    assert.equal(r.additionals.length, 1);
    assert.equal(r.additionals[0]?.type, RecordType.OPT);
    const bad = reply(decide(queryMessage('web', RecordType.A, { additionals: [ednsOpt(1232, 1)] }), table));
    assert.equal(bad.flags.rcode, 0, 'BADVERS is 16: the header keeps only its low bits');
    assert.equal((bad.additionals[0]?.ttl ?? 0) >>> 24, 1);
    assert.deepEqual(bad.answers, []);
  });

  it('rejects records it could not serve', () => {
    const invalid = (e: unknown) => isBerthError(e, 'InvalidArgument');
    assert.throws(() => new RecordTable([{ names: ['web'], ipv4: '10.0.0' }]), invalid);
    assert.throws(() => new RecordTable([{ names: ['web'], ipv4: 'fd00::1' }]), invalid);
    assert.throws(() => new RecordTable([{ names: ['we..b'], ipv4: '10.0.0.2' }]), invalid);
    assert.throws(() => new RecordTable([{ names: ['.'], ipv4: '10.0.0.2' }]), invalid);
    assert.throws(() => new RecordTable([{ names: ['web'], ipv4: '10.0.0.2', upstreams: ['dns.google'] }]), invalid);
  });
});

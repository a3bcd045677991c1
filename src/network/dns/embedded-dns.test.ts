import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { isBerthError } from '../../errors.js';
import { Rcode, RecordType } from './constants.js';
import { EmbeddedDns } from './embedded-dns.js';
import { decodeMessage } from './message.js';
import { askTcp, askUdp, ednsOpt, FakeUpstream, query, rcodeAnswer } from './test-fixtures.js';

describe('embedded dns server', () => {
  // Unknown names go to a fake upstream that knows nothing.
  const upstream = new FakeUpstream(rcodeAnswer(Rcode.NXDOMAIN));
  let dns: EmbeddedDns;

  before(async () => {
    await upstream.start();
    dns = new EmbeddedDns({ address: '127.0.0.1', port: 0, upstreams: [upstream.address], timeoutMs: 500 });
    await dns.start();
    dns.setRecords([
      { names: ['web', 'frontend'], ipv4: '10.0.0.2' },
      { names: ['db.'], ipv4: '10.0.0.3' },
    ]);
  });

  after(async () => {
    await dns.close();
    await upstream.close();
  });

  it('answers A, AAAA and PTR of known names over UDP', async () => {
    const a = decodeMessage((await askUdp(dns.port, query('WeB.')))!);
    assert.equal(a.id, 0x1234);
    assert.equal(a.flags.rcode, Rcode.NOERROR);
    assert.equal(a.questions[0]?.name, 'WeB');
    assert.deepEqual(a.answers.map((rr) => [rr.data, rr.ttl]), [['10.0.0.2', 600]]);

    const aaaa = decodeMessage((await askUdp(dns.port, query('db', RecordType.AAAA)))!);
    assert.equal(aaaa.flags.rcode, Rcode.NOERROR);
    assert.deepEqual(aaaa.answers, []);

    const ptr = decodeMessage((await askUdp(dns.port, query('3.0.0.10.in-addr.arpa', RecordType.PTR)))!);
    assert.deepEqual(ptr.answers.map((rr) => rr.data), ['db']);
    assert.equal(upstream.seen.length, 0, 'nothing of this was forwarded');
  });

  it('answers over TCP, several queries on one connection', async () => {
    const answers = (await askTcp(dns.port, [query('web', RecordType.A, { id: 1 }), query('frontend', RecordType.A, { id: 2 })])).map(decodeMessage);
    assert.deepEqual(answers.map((m) => [m.id, m.answers[0]?.data]).sort(), [[1, '10.0.0.2'], [2, '10.0.0.2']]);
  });

  it('replaces records whole', async () => {
    dns.setRecords([{ names: ['cache'], ipv4: '10.0.0.9' }]);
    try {
      const cache = decodeMessage((await askUdp(dns.port, query('cache')))!);
      assert.deepEqual(cache.answers.map((rr) => rr.data), ['10.0.0.9']);
      const web = decodeMessage((await askUdp(dns.port, query('web')))!);
      assert.equal(web.flags.rcode, Rcode.NXDOMAIN, 'a name that left is forwarded, and the upstream does not know it');
      assert.throws(() => dns.setRecords([{ names: ['x'], ipv4: 'bad' }]), (e: unknown) => isBerthError(e, 'InvalidArgument'));
      assert.equal(decodeMessage((await askUdp(dns.port, query('cache')))!).answers.length, 1, 'a rejected update keeps the old records');
    } finally {
      dns.setRecords([
        { names: ['web', 'frontend'], ipv4: '10.0.0.2' },
        { names: ['db.'], ipv4: '10.0.0.3' },
      ]);
    }
  });

  it('drops malformed packets and keeps serving', async () => {
    const loop = Buffer.concat([query('web').subarray(0, 12), Buffer.from([0xc0, 12, 0, 1, 0, 1])]);
    const response = query('web', RecordType.A, { flags: { qr: true, opcode: 0, aa: false, tc: false, rd: false, ra: false, ad: false, cd: false, rcode: 0 } });
    for (const bad of [Buffer.alloc(0), Buffer.from([1, 2, 3]), query('web').subarray(0, 20), loop, response, Buffer.alloc(600, 0xff)]) {
      assert.equal(await askUdp(dns.port, bad, 200), undefined, bad.toString('hex'));
    }
    assert.deepEqual(await askTcp(dns.port, [loop]), [], 'TCP: garbage closes the connection');
    const ok = decodeMessage((await askUdp(dns.port, query('web')))!);
    assert.equal(ok.answers.length, 1);
  });

  it('answers 200 concurrent queries, each with its own id', async () => {
    const names = ['web', 'db', 'frontend', 'unknown.example'];
    const answers = await Promise.all(
      Array.from({ length: 200 }, async (_, i) => {
        const name = names[i % names.length] as string;
        const out = await askUdp(dns.port, query(name, RecordType.A, { id: 1000 + i }));
        return { i, name, msg: decodeMessage(out!) };
      }),
    );
    for (const { i, name, msg } of answers) {
      assert.equal(msg.id, 1000 + i);
      assert.equal(msg.questions[0]?.name, name);
      assert.equal(msg.flags.rcode, name === 'unknown.example' ? Rcode.NXDOMAIN : Rcode.NOERROR);
    }
  });

  it('truncates big UDP answers unless EDNS allows them, and serves them whole over TCP', async () => {
    const replicas = Array.from({ length: 60 }, (_, i) => ({ names: ['api', `api-${i}`], ipv4: `10.0.1.${i + 1}` }));
    dns.setRecords(replicas);
    try {
      const small = await askUdp(dns.port, query('api'));
      assert.ok(small!.length <= 512);
      const cut = decodeMessage(small!);
      assert.equal(cut.flags.tc, true);
      assert.ok(cut.answers.length < 60);

      const edns = decodeMessage((await askUdp(dns.port, query('api', RecordType.A, { additionals: [ednsOpt(4096)] })))!);
      assert.equal(edns.flags.tc, false);
      assert.equal(edns.answers.length, 60);
      assert.equal(edns.additionals[0]?.type, RecordType.OPT);

      const [tcp] = await askTcp(dns.port, [query('api')]);
      const whole = decodeMessage(tcp!);
      assert.equal(whole.flags.tc, false);
      assert.equal(new Set(whole.answers.map((rr) => rr.data)).size, 60);
    } finally {
      dns.setRecords([]);
    }
  });
});

describe('embedded dns server lifetime', () => {
  it('reports a port in use as Unavailable, and frees its port on close', async () => {
    const first = new EmbeddedDns({ address: '127.0.0.1', port: 0, upstreams: [] });
    await first.start();
    const second = new EmbeddedDns({ address: '127.0.0.1', port: first.port, upstreams: [] });
    await assert.rejects(second.start(), (e: unknown) => isBerthError(e, 'Unavailable') && /EADDRINUSE/.test(e.message));
    const port = first.port;
    await first.close();
    const again = new EmbeddedDns({ address: '127.0.0.1', port, upstreams: [] });
    await again.start();
    await again.close();
  });

  it('rejects bad options', () => {
    const invalid = (e: unknown) => isBerthError(e, 'InvalidArgument');
    assert.throws(() => new EmbeddedDns({ address: 'gateway', port: 53, upstreams: [] }), invalid);
    assert.throws(() => new EmbeddedDns({ address: '127.0.0.1', port: 53, upstreams: ['1.1.1.1:99999'] }), invalid);
  });
});

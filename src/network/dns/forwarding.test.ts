import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { Rcode, RecordType } from './constants.js';
import { EmbeddedDns } from './embedded-dns.js';
import { decodeMessage } from './message.js';
import { answering, askTcp, askUdp, ednsOpt, FakeUpstream, query, rcodeAnswer, type UpstreamBehaviour } from './test-fixtures.js';

const opened: Array<{ close(): Promise<void> }> = [];

async function upstream(behaviour: UpstreamBehaviour): Promise<FakeUpstream> {
  const u = await new FakeUpstream(behaviour).start();
  opened.push(u);
  return u;
}

async function server(upstreams: string[], timeoutMs = 300): Promise<EmbeddedDns> {
  const dns = new EmbeddedDns({ address: '127.0.0.1', port: 0, upstreams, timeoutMs });
  await dns.start();
  opened.push(dns);
  return dns;
}

/** A port nothing listens on: a fake upstream, started and closed again. */
async function deadAddress(): Promise<string> {
  const u = await new FakeUpstream(() => 'silent').start();
  const address = u.address;
  await u.close();
  return address;
}

describe('forwarding', () => {
  after(async () => {
    for (const o of opened.reverse()) await o.close();
  });

  it('forwards unknown names over UDP, the query untouched but for its id', async () => {
    const up = await upstream(answering('192.0.2.10'));
    const dns = await server([up.address]);
    dns.setRecords([{ names: ['web'], ipv4: '10.0.0.2' }]);
    const sent = query('Example.COM', RecordType.A, { id: 0x4242, additionals: [ednsOpt(1232)] });
    const answer = decodeMessage((await askUdp(dns.port, sent))!);
    assert.equal(answer.id, 0x4242);
    assert.equal(answer.questions[0]?.name, 'Example.COM');
    assert.deepEqual(answer.answers.map((rr) => rr.data), ['192.0.2.10']);
    assert.equal(up.seen.length, 1);
    assert.equal(up.seen[0]?.transport, 'udp');
    assert.deepEqual(up.seen[0]?.raw.subarray(2), sent.subarray(2), 'EDNS OPT and flags pass through');
  });

  it('forwards TCP queries over TCP', async () => {
    const up = await upstream(answering('192.0.2.11'));
    const dns = await server([up.address]);
    const [raw] = await askTcp(dns.port, [query('example.org', RecordType.A, { id: 7 })]);
    const answer = decodeMessage(raw!);
    assert.equal(answer.id, 7);
    assert.deepEqual(answer.answers.map((rr) => rr.data), ['192.0.2.11']);
    assert.deepEqual(up.seen.map((s) => s.transport), ['tcp']);
  });

  it('relays a truncated upstream answer as is, so the client retries over TCP', async () => {
    const up = await upstream((q, transport) => ({ ...q, flags: { ...q.flags, qr: true, tc: transport === 'udp' } }));
    const dns = await server([up.address]);
    const answer = decodeMessage((await askUdp(dns.port, query('big.example')))!);
    assert.equal(answer.flags.tc, true);
  });

  it('moves to the next upstream on timeout, refusal or SERVFAIL', async () => {
    const silent = await upstream(() => 'silent');
    const failing = await upstream(rcodeAnswer(Rcode.SERVFAIL));
    const refusing = await upstream(rcodeAnswer(Rcode.REFUSED));
    const good = await upstream(answering('192.0.2.12'));
    const dns = await server([await deadAddress(), silent.address, failing.address, refusing.address, good.address], 200);
    const started = Date.now();
    const answer = decodeMessage((await askUdp(dns.port, query('example.net')))!);
    assert.deepEqual(answer.answers.map((rr) => rr.data), ['192.0.2.12']);
    assert.ok(Date.now() - started >= 190, 'waited for the silent one');
    assert.deepEqual([silent, failing, refusing, good].map((u) => u.seen.length), [1, 1, 1, 1]);

    const [tcp] = await askTcp(dns.port, [query('example.net')]);
    assert.deepEqual(decodeMessage(tcp!).answers.map((rr) => rr.data), ['192.0.2.12']);
  });

  it('answers SERVFAIL when every upstream fails, keeping the id and EDNS', async () => {
    const silent = await upstream(() => 'silent');
    const dns = await server([silent.address, await deadAddress()], 150);
    const answer = decodeMessage((await askUdp(dns.port, query('example.net', RecordType.A, { id: 99, additionals: [ednsOpt(1232)] })))!);
    assert.equal(answer.id, 99);
    assert.equal(answer.flags.rcode, Rcode.SERVFAIL);
    assert.equal(answer.additionals[0]?.type, RecordType.OPT);
    const [tcp] = await askTcp(dns.port, [query('example.net')]);
    assert.equal(decodeMessage(tcp!).flags.rcode, Rcode.SERVFAIL);

    const none = await server([]);
    assert.equal(decodeMessage((await askUdp(none.port, query('example.net')))!).flags.rcode, Rcode.SERVFAIL);
  });

  it('ignores an upstream answer to another question', async () => {
    const liar = await upstream((q) => ({ ...q, flags: { ...q.flags, qr: true }, questions: [{ name: 'evil.example', type: 1, class: 1 }] }));
    const dns = await server([liar.address], 150);
    assert.equal(decodeMessage((await askUdp(dns.port, query('bank.example')))!).flags.rcode, Rcode.SERVFAIL);
  });

  it("forwards a container's queries to its own --dns servers", async () => {
    const hostResolver = await upstream(answering('192.0.2.1'));
    const itsOwn = await upstream(answering('192.0.2.2'));
    const dns = await server([hostResolver.address]);
    // The test client's queries come from 127.0.0.1: that is "the container".
    dns.setRecords([{ names: ['me'], ipv4: '127.0.0.1', upstreams: [itsOwn.address] }]);
    assert.deepEqual(decodeMessage((await askUdp(dns.port, query('example.com')))!).answers.map((rr) => rr.data), ['192.0.2.2']);
    assert.equal(decodeMessage((await askUdp(dns.port, query('me')))!).answers[0]?.data, '127.0.0.1', 'its names still answered here');
    assert.equal(hostResolver.seen.length, 0);

    dns.setRecords([{ names: ['me'], ipv4: '127.0.0.1', upstreams: [`127.0.0.1:${dns.port}`] }]);
    const self = decodeMessage((await askUdp(dns.port, query('example.com')))!);
    assert.equal(self.flags.rcode, Rcode.SERVFAIL, 'never forwards to itself');
  });

  it('abandons forwarded queries on close', async () => {
    const silent = await upstream(() => 'silent');
    const dns = new EmbeddedDns({ address: '127.0.0.1', port: 0, upstreams: [silent.address], timeoutMs: 60_000 });
    await dns.start();
    const pending = askUdp(dns.port, query('slow.example'), 500);
    while (silent.seen.length === 0) await new Promise((r) => setTimeout(r, 5));
    const started = Date.now();
    await dns.close();
    assert.ok(Date.now() - started < 1000);
    assert.equal(await pending, undefined);
  });
});

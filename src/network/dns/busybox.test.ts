import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { promisify } from 'node:util';

import { RecordClass, RecordType, Rcode } from './constants.js';
import { EmbeddedDns } from './embedded-dns.js';
import { FakeUpstream } from './test-fixtures.js';

/**
 * A real resolver against the server: busybox's nslookup, which takes the
 * server as "ip:port". It asks A and AAAA for a name, so it also checks
 * that a known name's empty AAAA answer is not taken for "no such name".
 */
const BUSYBOX = '/bin/busybox';
const run = promisify(execFile);

async function nslookup(...args: string[]): Promise<{ code: number; out: string }> {
  try {
    const { stdout } = await run(BUSYBOX, ['nslookup', ...args], { timeout: 10_000 });
    return { code: 0, out: stdout };
  } catch (e) {
    const err = e as { code?: unknown; stdout?: string; stderr?: string };
    return { code: typeof err.code === 'number' ? err.code : -1, out: `${err.stdout ?? ''}${err.stderr ?? ''}` };
  }
}

describe('busybox nslookup against the embedded server', { skip: !existsSync(BUSYBOX) && 'no /bin/busybox' }, () => {
  // The upstream knows one outside name; everything else does not exist.
  const upstream = new FakeUpstream((q) => {
    const question = q.questions[0];
    const known = question?.name.toLowerCase() === 'outside.example';
    return {
      ...q,
      flags: { ...q.flags, qr: true, ra: true, rcode: known ? Rcode.NOERROR : Rcode.NXDOMAIN },
      answers:
        known && question?.type === RecordType.A
          ? [{ name: question.name, type: RecordType.A, class: RecordClass.IN, ttl: 30, data: '192.0.2.80' }]
          : [],
    };
  });
  let dns: EmbeddedDns;
  let server: string;

  before(async () => {
    await upstream.start();
    dns = new EmbeddedDns({ address: '127.0.0.1', port: 0, upstreams: [upstream.address], timeoutMs: 1000 });
    await dns.start();
    dns.setRecords([{ names: ['web', 'frontend'], ipv4: '10.0.0.2' }]);
    server = `127.0.0.1:${dns.port}`;
  });

  after(async () => {
    await dns.close();
    await upstream.close();
  });

  it('resolves container names and aliases, in any case', async () => {
    for (const name of ['web', 'FrontEnd.']) {
      const { code, out } = await nslookup(name, server);
      assert.equal(code, 0, out);
      assert.match(out, /Address: 10\.0\.0\.2$/m);
      assert.doesNotMatch(out, /can't find/);
    }
  });

  it('resolves a container address back to its name', async () => {
    const { code, out } = await nslookup('10.0.0.2', server);
    assert.equal(code, 0, out);
    assert.match(out, /2\.0\.0\.10\.in-addr\.arpa\s+name = web/);
  });

  it('gets outside names through the upstream, and their absence too', async () => {
    const found = await nslookup('outside.example', server);
    assert.equal(found.code, 0, found.out);
    assert.match(found.out, /Address: 192\.0\.2\.80$/m);
    const missing = await nslookup('nowhere.example', server);
    assert.notEqual(missing.code, 0);
    assert.match(missing.out, /NXDOMAIN/);
  });
});

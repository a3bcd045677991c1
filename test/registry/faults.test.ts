/**
 * Faults a real registry will not produce on demand, against a scripted
 * server on 127.0.0.1 (test/fixtures/registry/fake-server.ts): rate
 * limits, server errors, silence, bodies cut short, redirects, TLS. The
 * happy paths are tested against docker-registry in client.test.ts.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';

import { isBerthError } from '../../src/errors.js';
import { RegistryClient, type RegistryClientOptions } from '../../src/image/registry/index.js';
import { sendJson, sendRegistryError, startFakeServer, type FakeHandler, type FakeServer } from '../fixtures/registry/fake-server.js';
import { makeSigningCert, type SigningCert } from '../fixtures/registry/signing-cert.js';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const MANIFEST = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: OCI_MANIFEST, config: {}, layers: [] }));
const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;
const MANIFEST_DIGEST = sha256(MANIFEST);
const BLOB = Buffer.from(Array.from({ length: 100_000 }, (_, i) => i % 251));
const BLOB_DIGEST = sha256(BLOB);

/** Fast retries and a short timeout, so faults take milliseconds. */
const FAST: RegistryClientOptions = { retryDelayMs: 10, maxRetryDelayMs: 5000, timeoutMs: 2000, maxAttempts: 3 };

function sendManifest(res: ServerResponse): void {
  res.writeHead(200, {
    'content-type': OCI_MANIFEST,
    'content-length': String(MANIFEST.length),
    'docker-content-digest': MANIFEST_DIGEST,
  });
  res.end(MANIFEST);
}

/** Serves BLOB whole or from a Range request's start. */
function sendBlob(res: ServerResponse, range: string | undefined, opts: { ignoreRange?: boolean; cutAt?: number } = {}): void {
  const m = range === undefined || opts.ignoreRange ? null : /^bytes=(\d+)-$/.exec(range);
  const start = m ? Number(m[1]) : 0;
  const body = BLOB.subarray(start);
  const headers: Record<string, string> = { 'content-type': 'application/octet-stream', 'content-length': String(body.length) };
  if (m) headers['content-range'] = `bytes ${start}-${BLOB.length - 1}/${BLOB.length}`;
  res.writeHead(m ? 206 : 200, headers);
  if (opts.cutAt !== undefined) {
    // Half a body, then the connection drops.
    res.write(body.subarray(0, opts.cutAt), () => res.socket?.destroy());
    return;
  }
  res.end(body);
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

describe('registry client faults', () => {
  const servers: FakeServer[] = [];
  const clients: RegistryClient[] = [];
  const serve = async (handler: FakeHandler, tls?: SigningCert) => {
    const s = await startFakeServer(handler, tls ? { tls: { keyPath: tls.keyPath, certPath: tls.certPath } } : {});
    servers.push(s);
    return s;
  };
  const clientFor = (host: string, options: RegistryClientOptions = FAST) => {
    const c = new RegistryClient(host, options);
    clients.push(c);
    return c;
  };
  after(async () => {
    for (const c of clients) c.close();
    await Promise.all(servers.map((s) => s.stop()));
  });

  it('waits as long as Retry-After says on 429, then succeeds', async () => {
    const srv = await serve((_req, res, n) => {
      if (n === 1) sendRegistryError(res, 429, 'TOOMANYREQUESTS', 'slow down', { 'retry-after': '1' });
      else sendJson(res, 200, {});
    });
    const started = Date.now();
    assert.deepEqual(await clientFor(srv.host).ping(), { auth: 'none' });
    const waited = Date.now() - started;
    assert.ok(waited >= 950, `waited ${waited} ms, Retry-After asked for 1000`);
    assert.equal(srv.requests.length, 2);
  });

  it('caps Retry-After, and reports the last 429 when tries run out', async () => {
    const srv = await serve((_req, res) => sendRegistryError(res, 429, 'TOOMANYREQUESTS', 'rate limit exceeded', { 'retry-after': '3600' }));
    const started = Date.now();
    await assert.rejects(clientFor(srv.host, { ...FAST, maxRetryDelayMs: 20 }).getManifest('x', 'latest'), (e) => {
      assert.ok(isBerthError(e, 'Unavailable'));
      assert.equal(e.message, `registry ${srv.host}: toomanyrequests: rate limit exceeded`);
      return true;
    });
    assert.ok(Date.now() - started < 2000);
    assert.equal(srv.requests.length, 3);
  });

  it('retries a 500, then succeeds', async () => {
    const srv = await serve((_req, res, n) => (n === 1 ? sendRegistryError(res, 500, 'UNKNOWN', 'boom') : sendManifest(res)));
    const m = await clientFor(srv.host).getManifest('x', 'latest');
    assert.equal(m.digest, MANIFEST_DIGEST);
    assert.equal(srv.requests.length, 2);
  });

  it('gives up after maxAttempts 5xx answers, with the registry message', async () => {
    const srv = await serve((_req, res) => sendRegistryError(res, 503, 'UNAVAILABLE', 'maintenance'));
    await assert.rejects(clientFor(srv.host, { ...FAST, maxAttempts: 4 }).getManifest('x', 'latest'), (e) => {
      assert.ok(isBerthError(e, 'Unavailable'));
      assert.equal(e.message, `registry ${srv.host}: unavailable: maintenance`);
      return true;
    });
    assert.equal(srv.requests.length, 4);
  });

  it('never retries other 4xx answers', async () => {
    const srv = await serve((req, res) => {
      if (req.url?.includes('bad')) sendRegistryError(res, 400, 'TAG_INVALID', 'manifest tag did not match URI');
      else sendRegistryError(res, 404, 'MANIFEST_UNKNOWN', 'manifest unknown');
    });
    const client = clientFor(srv.host);
    await assert.rejects(client.getManifest('x', 'nope'), (e) => isBerthError(e, 'NotFound'));
    await assert.rejects(client.putManifest('x', 'bad', MANIFEST, OCI_MANIFEST), (e) => {
      assert.ok(isBerthError(e, 'InvalidArgument'));
      assert.equal(e.message, `registry ${srv.host}: pushing manifest ${srv.host}/x:bad: tag invalid: manifest tag did not match URI`);
      return true;
    });
    assert.equal(srv.requests.length, 2);
  });

  it('retries a connection reset, then succeeds', async () => {
    const srv = await serve((req, res, n) => (n === 1 ? req.socket.destroy() : sendManifest(res)));
    assert.equal((await clientFor(srv.host).getManifest('x', 'latest')).digest, MANIFEST_DIGEST);
    assert.equal(srv.requests.length, 2);
  });

  it('gives up on a registry that never answers, without retrying', async () => {
    const srv = await serve(() => {
      // Never answer.
    });
    const started = Date.now();
    await assert.rejects(clientFor(srv.host, { ...FAST, timeoutMs: 300 }).getManifest('x', 'latest'), (e) => {
      assert.ok(isBerthError(e, 'Unavailable'));
      assert.equal(e.message, `registry ${srv.host}: no response within 300ms (GET /v2/x/manifests/latest)`);
      return true;
    });
    assert.ok(Date.now() - started < 1500);
    assert.equal(srv.requests.length, 1);
  });

  it('times out a blob whose body stops coming', async () => {
    const srv = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': String(BLOB.length) });
      res.write(BLOB.subarray(0, 1000));
    });
    const stream = await clientFor(srv.host, { ...FAST, timeoutMs: 300 }).getBlob('x', BLOB_DIGEST);
    await assert.rejects(readAll(stream), (e) => {
      assert.ok(isBerthError(e, 'Unavailable'));
      assert.match(e.message, /: no response within 300ms while reading blob sha256:\w+ of 127\.0\.0\.1:\d+\/x \(at byte 1000\)$/);
      return true;
    });
  });

  it('does not time out a slow consumer', async () => {
    const srv = await serve((req, res) => sendBlob(res, req.headers.range));
    const stream = await clientFor(srv.host, { ...FAST, timeoutMs: 200 }).getBlob('x', BLOB_DIGEST);
    const chunks: Buffer[] = [];
    for await (const c of stream) {
      chunks.push(c as Buffer);
      if (chunks.length === 1) await new Promise((r) => setTimeout(r, 500));
    }
    assert.equal(sha256(Buffer.concat(chunks)), BLOB_DIGEST);
  });

  it('resumes a truncated blob with a Range request', async () => {
    const srv = await serve((req, res, n) => sendBlob(res, req.headers.range, n === 1 ? { cutAt: 30_000 } : {}));
    const data = await readAll(await clientFor(srv.host).getBlob('x', BLOB_DIGEST));
    assert.equal(sha256(data), BLOB_DIGEST);
    assert.equal(srv.requests.length, 2);
    assert.equal(srv.requests[1]?.headers.range, 'bytes=30000-');
  });

  it('resumes when the registry ignores the range and sends everything again', async () => {
    const srv = await serve((req, res, n) => sendBlob(res, req.headers.range, { ignoreRange: true, ...(n === 1 ? { cutAt: 40_000 } : {}) }));
    const data = await readAll(await clientFor(srv.host).getBlob('x', BLOB_DIGEST));
    assert.equal(sha256(data), BLOB_DIGEST);
    assert.equal(srv.requests.length, 2);
  });

  it('reads from an offset', async () => {
    const srv = await serve((req, res) => sendBlob(res, req.headers.range));
    const data = await readAll(await clientFor(srv.host).getBlob('x', BLOB_DIGEST, { offset: 12_345 }));
    assert.deepEqual(data, BLOB.subarray(12_345));
    assert.equal(srv.requests[0]?.headers.range, 'bytes=12345-');
  });

  it('fails a blob that keeps breaking, after maxBlobResumes', async () => {
    const srv = await serve((req, res) => sendBlob(res, req.headers.range, { cutAt: 10_000 }));
    const stream = await clientFor(srv.host, { ...FAST, maxBlobResumes: 2 }).getBlob('x', BLOB_DIGEST);
    await assert.rejects(readAll(stream), (e) => {
      assert.ok(isBerthError(e, 'Unavailable'));
      assert.match(e.message, /: blob sha256:\w+ of 127\.0\.0\.1:\d+\/x: connection lost after 30000 of 100000 bytes$/);
      return true;
    });
    assert.equal(srv.requests.length, 3);
  });

  it('fails a blob whose content does not match its digest', async () => {
    const srv = await serve((_req, res) => {
      res.writeHead(200, { 'content-length': '5' });
      res.end('hello');
    });
    await assert.rejects(readAll(await clientFor(srv.host).getBlob('x', BLOB_DIGEST)), (e) => {
      assert.ok(isBerthError(e, 'Internal'));
      assert.match(e.message, /does not match its digest/);
      return true;
    });
  });

  it('given the size, refuses a blob the registry announces shorter or longer, before reading it', async () => {
    const srv = await serve((_req, res, n) => {
      const body = n === 2 ? Buffer.concat([BLOB, Buffer.alloc(10)]) : BLOB.subarray(0, 60_000);
      res.writeHead(200, { 'content-length': String(body.length) });
      res.end(body);
    });
    const client = clientFor(srv.host);
    const name = `blob ${BLOB_DIGEST} of ${srv.host}/x`;
    await assert.rejects(readAll(await client.getBlob('x', BLOB_DIGEST, { size: BLOB.length })), (e) => {
      assert.ok(isBerthError(e, 'Internal'));
      assert.equal(e.message, `registry ${srv.host}: ${name}: truncated: the registry has 60000 of its 100000 bytes`);
      return true;
    });
    await assert.rejects(readAll(await client.getBlob('x', BLOB_DIGEST, { size: BLOB.length })), (e) => {
      assert.ok(isBerthError(e, 'Internal'));
      assert.equal(e.message, `registry ${srv.host}: ${name}: the registry has 100010 bytes, more than its 100000`);
      return true;
    });
    // Without the size, only the digest check at the end can tell.
    await assert.rejects(readAll(await client.getBlob('x', BLOB_DIGEST)), /does not match its digest/);
  });

  it('given the size, resumes a body sent without a length that ends short of it', async () => {
    const srv = await serve((req, res, n) => {
      if (n > 1) return sendBlob(res, req.headers.range);
      res.writeHead(200, { 'content-type': 'application/octet-stream' }); // chunked: no length announced
      res.end(BLOB.subarray(0, 25_000));
    });
    const data = await readAll(await clientFor(srv.host).getBlob('x', BLOB_DIGEST, { size: BLOB.length }));
    assert.equal(sha256(data), BLOB_DIGEST);
    assert.equal(srv.requests[1]?.headers.range, 'bytes=25000-');
  });

  it('retries a manifest whose body was cut short', async () => {
    const srv = await serve((_req, res, n) => {
      if (n > 1) return sendManifest(res);
      res.writeHead(200, { 'content-type': OCI_MANIFEST, 'content-length': String(MANIFEST.length) });
      res.write(MANIFEST.subarray(0, 10), () => res.socket?.destroy());
    });
    assert.equal((await clientFor(srv.host).getManifest('x', 'latest')).digest, MANIFEST_DIGEST);
    assert.equal(srv.requests.length, 2);
  });

  it('refuses a manifest that does not match the digest it was asked by', async () => {
    const other = Buffer.from('{"schemaVersion":2}');
    const srv = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': OCI_MANIFEST, 'content-length': String(other.length) });
      res.end(other);
    });
    await assert.rejects(clientFor(srv.host).getManifest('x', MANIFEST_DIGEST), (e) => {
      assert.ok(isBerthError(e, 'Internal'));
      assert.match(e.message, /does not match its digest/);
      return true;
    });
  });

  it('follows a blob redirect to another host without the credentials', async () => {
    const storage = await serve((req, res) => sendBlob(res, req.headers.range));
    const srv = await serve((req, res) => {
      if (req.headers.authorization === undefined) {
        res.writeHead(401, { 'www-authenticate': 'Basic realm="fake"', 'content-length': '0' });
        res.end();
        return;
      }
      res.writeHead(307, { location: `http://localhost:${storage.port}/storage/blob?sig=abc`, 'content-length': '0' });
      res.end();
    });
    const client = clientFor(srv.host, { ...FAST, credentials: { username: 'u', password: 'p' } });
    const data = await readAll(await client.getBlob('x', BLOB_DIGEST));
    assert.equal(sha256(data), BLOB_DIGEST);
    assert.equal(srv.requests.at(-1)?.headers.authorization, `Basic ${Buffer.from('u:p').toString('base64')}`);
    assert.equal(storage.requests.length, 1);
    assert.equal(storage.requests[0]?.url, '/storage/blob?sig=abc');
    assert.equal(storage.requests[0]?.headers.authorization, undefined);
  });

  it('stops after 5 redirects', async () => {
    const srv = await serve((req, res) => {
      res.writeHead(302, { location: `${req.url ?? '/'}x`, 'content-length': '0' });
      res.end();
    });
    await assert.rejects(clientFor(srv.host).getBlob('x', BLOB_DIGEST), (e) => {
      assert.ok(isBerthError(e, 'Unavailable'));
      assert.match(e.message, /too many redirects \(more than 5\)/);
      return true;
    });
    assert.equal(srv.requests.length, 6);
  });

  it('refuses plain http to hosts that are neither loopback nor insecure', async () => {
    const srv = await serve((_req, res) => {
      res.writeHead(302, { location: 'http://storage.example.com/blob', 'content-length': '0' });
      res.end();
    });
    await assert.rejects(clientFor(srv.host).getBlob('x', BLOB_DIGEST), (e) => {
      assert.ok(isBerthError(e, 'FailedPrecondition'));
      assert.equal(
        e.message,
        `registry ${srv.host}: refusing plain http to storage.example.com: only loopback hosts and insecure registries may use http (http://storage.example.com)`,
      );
      return true;
    });
    await assert.rejects(clientFor('registry.example.com', { protocol: 'http' }).ping(), (e) =>
      isBerthError(e, 'FailedPrecondition') && /refusing plain http to registry\.example\.com/.test(e.message),
    );
  });

  it('pushes to a relative upload location and keeps its query', async () => {
    const srv = await serve((req, res) => {
      const url = new URL(req.url ?? '/', 'http://x');
      if (req.method === 'HEAD') return sendRegistryError(res, 404, 'BLOB_UNKNOWN', 'blob unknown');
      if (req.method === 'POST') {
        res.writeHead(202, { location: '/v2/x/blobs/uploads/u-1?_state=s1', 'content-length': '0' });
        return res.end();
      }
      if (req.method === 'PUT' && url.pathname === '/v2/x/blobs/uploads/u-1') {
        res.writeHead(201, { 'docker-content-digest': url.searchParams.get('digest') ?? '', 'content-length': '0' });
        return res.end();
      }
      sendRegistryError(res, 400, 'UNSUPPORTED', 'unexpected');
    });
    assert.equal(await clientFor(srv.host).pushBlob('x', BLOB_DIGEST, BLOB.length, () => Readable.from([BLOB])), 'pushed');
    const put = srv.requests.find((r) => r.method === 'PUT');
    assert.equal(put?.url, `/v2/x/blobs/uploads/u-1?_state=s1&digest=${encodeURIComponent(BLOB_DIGEST)}`);
    assert.deepEqual(put?.body, BLOB);
    assert.equal(put?.headers['content-length'], String(BLOB.length));
  });

  it('refuses an upload whose stream is not the announced size, before sending it all', async () => {
    const srv = await serve((req, res) => {
      if (req.method === 'HEAD') return sendRegistryError(res, 404, 'BLOB_UNKNOWN', 'blob unknown');
      res.writeHead(202, { location: '/v2/x/blobs/uploads/u-2', 'content-length': '0' });
      res.end();
    });
    await assert.rejects(
      clientFor(srv.host).pushBlob('x', BLOB_DIGEST, BLOB.length + 1, () => Readable.from([BLOB])),
      (e) => isBerthError(e, 'InvalidArgument') && /upload body has fewer bytes than the 100001 announced/.test(e.message),
    );
  });

  it('fetches a new token when the registry refuses the cached one', async () => {
    let tokens = 0;
    const auth = await serve((_req, res) => {
      tokens++;
      sendJson(res, 200, { token: `t${tokens}`, expires_in: 300 });
    });
    let t1Expired = false;
    const srv = await serve((req, res) => {
      const a = req.headers.authorization;
      if (a === undefined || (a === 'Bearer t1' && t1Expired)) {
        res.writeHead(401, {
          'www-authenticate': `Bearer realm="http://${auth.host}/token",service="fake",scope="repository:x:pull"`,
          'content-length': '0',
        });
        return res.end();
      }
      sendManifest(res);
    });
    const client = clientFor(srv.host, { ...FAST, credentials: { username: 'u', password: 'p' } });
    assert.equal((await client.getManifest('x', 'latest')).digest, MANIFEST_DIGEST);
    await client.getManifest('x', 'latest');
    assert.equal(tokens, 1, 'the token is cached');
    const tokenUrl = new URL(auth.requests[0]?.url ?? '', 'http://x');
    assert.equal(tokenUrl.searchParams.get('service'), 'fake');
    assert.deepEqual(tokenUrl.searchParams.getAll('scope'), ['repository:x:pull']);
    assert.equal(tokenUrl.searchParams.get('account'), 'u');
    assert.equal(auth.requests[0]?.headers.authorization, `Basic ${Buffer.from('u:p').toString('base64')}`);

    t1Expired = true;
    assert.equal((await client.getManifest('x', 'latest')).digest, MANIFEST_DIGEST);
    assert.equal(tokens, 2);
    assert.deepEqual(
      srv.requests.map((r) => r.headers.authorization),
      [undefined, 'Bearer t1', 'Bearer t1', 'Bearer t1', 'Bearer t2'],
    );
  });

  it('gives up after one fresh token is refused too', async () => {
    const auth = await serve((_req, res) => sendJson(res, 200, { access_token: 'never-good' }));
    const srv = await serve((_req, res) => {
      res.writeHead(401, { 'www-authenticate': `Bearer realm="http://${auth.host}/token",service="fake"` });
      res.end(JSON.stringify({ errors: [{ code: 'UNAUTHORIZED', message: 'authentication required' }] }));
    });
    await assert.rejects(clientFor(srv.host).getManifest('x', 'latest'), (e) => {
      assert.ok(isBerthError(e, 'FailedPrecondition'));
      assert.equal(e.message, `registry ${srv.host}: unauthorized: authentication required`);
      return true;
    });
    assert.equal(srv.requests.length, 2);
  });

  it('reuses connections: many small requests do not run out of sockets', async () => {
    const srv = await serve((req, res) => (req.method === 'HEAD' ? sendManifest(res) : sendJson(res, 200, {})));
    const client = clientFor(srv.host, { ...FAST, timeoutMs: 1000 });
    for (let i = 0; i < 40; i++) {
      await client.ping();
      await client.headManifest('x', 'latest');
    }
    assert.equal(srv.requests.length, 80);
    assert.ok(srv.connections() <= 2, `80 requests over ${srv.connections()} connections: keep-alive is not reused`);
  });

  it('follows Link headers through pages of tags', async () => {
    const srv = await serve((req, res) => {
      const last = new URL(req.url ?? '/', 'http://x').searchParams.get('last');
      if (last === null) sendJson(res, 200, { name: 'x', tags: ['a', 'b'] }, { link: '</v2/x/tags/list?last=b&n=2>; rel="next"' });
      else sendJson(res, 200, { name: 'x', tags: ['c'] });
    });
    assert.deepEqual(await clientFor(srv.host).listTags('x'), ['a', 'b', 'c']);
  });

  describe('tls', () => {
    let dir = '';
    let cert: SigningCert;
    before(async () => {
      dir = await mkdtemp(join(tmpdir(), 'berth-test-registry-tls-'));
      cert = await makeSigningCert(dir, '127.0.0.1', ['IP:127.0.0.1']);
    });
    after(async () => {
      await rm(dir, { recursive: true, force: true });
    });

    it('verifies certificates against Node’s CAs plus the ones given', async () => {
      const srv = await serve((_req, res) => sendJson(res, 200, {}), cert);
      await assert.rejects(clientFor(srv.host, { ...FAST, protocol: 'https' }).ping(), (e) => {
        assert.ok(isBerthError(e, 'FailedPrecondition'));
        assert.match(e.message, /: tls: certificate of 127\.0\.0\.1:\d+ not trusted: /);
        return true;
      });
      assert.deepEqual(await clientFor(srv.host, { ...FAST, protocol: 'https', ca: cert.certPem }).ping(), { auth: 'none' });
    });

    it('talks to insecure registries over unverified https, or falls back to http', async () => {
      const tlsSrv = await serve((_req, res) => sendJson(res, 200, {}), cert);
      assert.deepEqual(await clientFor(tlsSrv.host, { ...FAST, insecureRegistries: [tlsSrv.host] }).ping(), { auth: 'none' });
      const plain = await serve((_req, res) => sendJson(res, 200, {}));
      assert.deepEqual(await clientFor(plain.host, { ...FAST, insecureRegistries: ['127.0.0.1'] }).ping(), { auth: 'none' });
      assert.equal(plain.requests.length, 1);
    });
  });
});

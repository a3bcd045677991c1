/**
 * Pulling from a registry that misbehaves, as a user sees it: bodies cut
 * short, bytes that are not what their digest says, a layer that does not
 * unpack to its diffID or is a truncated gzip stream, 403, 429, 500, a
 * registry that says nothing. Each failure is one plain message naming the
 * cause; what arrived of a blob is kept only where the next pull resumes
 * it (with a Range request, which the registry sees); nothing wrong is
 * committed; and an image pulled before from a real registry stays listed
 * and unpacks to its files.
 *
 * The faults come from fake-registry.ts (a real registry will not produce
 * them on demand); the image already present comes from Debian's
 * docker-registry. Pull-level 401 and 404 are in pull-bad-images.test.ts.
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { gzipSync } from 'node:zlib';
import { after, before, describe, test } from 'node:test';

import { ImageService } from '../../src/engine/images/image-service.js';
import type { ImageSummary } from '../../src/engine/images/views.js';
import { isBerthError } from '../../src/errors.js';
import { sha256Digest } from '../../src/image/digest.js';
import { tarBuffer } from '../../src/image/unpack/test-tar.js';
import { cliEnv, stopCliDaemon } from '../fixtures/cli-daemon.js';
import { assertNoLeaks, snapshotHost, type HostSnapshot } from '../fixtures/host-leaks.js';
import { repoRoot } from '../fixtures/paths.js';
import { craftImage, type CraftedImage } from '../fixtures/registry/crafted-image.js';
import { sendBlob, startFakeRegistry, type Fault, type FakeRegistry } from '../fixtures/registry/fake-registry.js';
import { sendRegistryError } from '../fixtures/registry/fake-server.js';
import { freePort } from '../fixtures/registry/free-port.js';
import { startRegistry, type TestRegistry } from '../fixtures/registry/registry.js';
import { pushTestImage, TEST_IMAGE_EXPECTED, type PushedImage } from '../fixtures/registry/test-image.js';
import { runCommand } from '../runtime/harness.js';
import { assertImageIntact, assertIngestsResumable, assertStoreSound, ingests, listed, rejection } from './pull-checks.js';

const root = process.getuid?.() === 0;
const BERTH = path.join(repoRoot(), 'bin', 'berth');
/** Short enough that a silent registry costs a second, long enough for loopback. */
const TIMEOUT_MS = 1000;

/** An image of one layer: a file of `size` random bytes (so gzip cannot shrink it). */
const bigImage = (label: string, size: number): CraftedImage =>
  craftImage([[{ name: 'data/blob.bin', data: randomBytes(size) }, { name: 'etc/name', data: `${label}\n` }]], { label });

describe('pull faults', { skip: !root && 'needs root' }, () => {
  let host: HostSnapshot;
  let registry: TestRegistry;
  let fake: FakeRegistry;
  let dir: string;
  let images: ImageService;
  let present: PushedImage;
  let presentBefore: ImageSummary;
  /** Every blob the fake serves, by digest: what an ingest may be a prefix of. */
  const known = new Map<string, Buffer>();

  const serve = (repo: string, img: CraftedImage): string => {
    for (const [d, b] of img.blobs) known.set(d, b);
    return fake.add(repo, 'v1', img.manifest, [img]);
  };
  /** A fault for one repository only; other requests are served normally. */
  const faultFor = (repo: string, fault: Fault): Fault => (route, req, res) => 'repo' in route && route.repo === repo && fault(route, req, res);

  /** What must hold after every failing pull. */
  const stillSound = async () => {
    await assertStoreSound(images);
    await assertIngestsResumable(images, known);
    await assertImageIntact(images, present.reference, presentBefore, TEST_IMAGE_EXPECTED, dir);
  };

  before(async () => {
    host = await snapshotHost();
    registry = await startRegistry();
    present = await pushTestImage(registry.host, 'berth/present', { tag: '1.0' });
    fake = await startFakeRegistry();
    dir = await mkdtemp(path.join(tmpdir(), 'berth-test-pull-faults-'));
    images = await ImageService.open({ root: path.join(dir, 'root'), dockerConfigDir: path.join(dir, 'docker'), timeoutMs: TIMEOUT_MS });
    await images.pull(present.reference);
    presentBefore = (await listed(images, present.reference))!;
    assert.ok(presentBefore, 'the present image is listed');
  });

  /** Daemons the CLI started in these tests, stopped at the end. */
  const cliEnvs: NodeJS.ProcessEnv[] = [];

  after(async () => {
    for (const env of cliEnvs) await stopCliDaemon(env);
    images?.close();
    await fake?.stop();
    await registry?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
    await assertNoLeaks(host);
  });

  test('a blob cut short on every try: the message says how far it got; the next pull resumes there with Range', async () => {
    const img = bigImage('resume', 1_000_000);
    const ref = serve('berth/resume', img);
    const layer = img.layers[0]!.desc;
    const cut = 300_000;
    fake.fault = faultFor('berth/resume', (route, _req, res) => {
      if (route.kind !== 'blob' || route.digest !== layer.digest || route.bytes === undefined) return false;
      sendBlob(res, route.bytes, route.range, { cutAt: cut });
      return true;
    });
    const e = await rejection(images.pull(ref));
    assert.ok(isBerthError(e, 'Unavailable'), String(e));
    assert.equal(
      e.message,
      `image "${ref}": registry ${fake.host}: blob ${layer.digest} of ${fake.host}/berth/resume: connection lost after ${cut} of ${layer.size} bytes`,
    );
    // Within the pull the client already asked for the rest, each time from where it had got to.
    const during = fake.blobRequests(layer.digest);
    assert.equal(during[0]?.range, undefined);
    const resumedAt = during.slice(1).map((r) => Number(/^bytes=(\d+)-$/.exec(r.range ?? '')?.[1] ?? NaN));
    assert.ok(resumedAt.length > 0 && resumedAt.every((n) => n > 0 && n <= cut), JSON.stringify(during));
    // What arrived is kept for the next pull (all of it, unless the stream failed with bytes not yet written).
    const kept = (await ingests(images)).get(`pull-${layer.digest}`) ?? 0;
    assert.ok(kept > 0 && kept <= cut, `ingest of ${kept} bytes`);
    assert.equal(await listed(images, ref), undefined);
    await stillSound();

    fake.fault = undefined;
    const seen = during.length;
    const pulled = await images.pull(ref);
    assert.equal(pulled.digest, img.manifest.desc.digest);
    assert.deepEqual(fake.blobRequests(layer.digest).slice(seen), [{ range: `bytes=${kept}-` }], 'the second pull asks only for the rest');
    assert.equal((await ingests(images)).size, 0);
    assert.ok(await listed(images, ref));
    await stillSound();
  });

  test('a registry that goes silent in the middle of a blob: a timeout naming the blob and the byte, then a resume', async () => {
    const img = bigImage('stall', 600_000);
    const ref = serve('berth/stall', img);
    const layer = img.layers[0]!.desc;
    fake.fault = faultFor('berth/stall', (route, _req, res) => {
      if (route.kind !== 'blob' || route.digest !== layer.digest || route.bytes === undefined) return false;
      sendBlob(res, route.bytes, route.range, { stallAt: 200_000 });
      return true;
    });
    const started = Date.now();
    const e = await rejection(images.pull(ref));
    assert.ok(isBerthError(e, 'Unavailable'), String(e));
    assert.equal(
      e.message,
      `image "${ref}": registry ${fake.host}: no response within 1s while reading blob ${layer.digest} of ${fake.host}/berth/stall (at byte 200000)`,
    );
    assert.ok(Date.now() - started < 10_000, 'gave up in about the timeout');
    const kept = (await ingests(images)).get(`pull-${layer.digest}`) ?? 0;
    assert.ok(kept > 0 && kept <= 200_000, `ingest of ${kept} bytes`);
    await stillSound();

    fake.fault = undefined;
    const seen = fake.blobRequests(layer.digest).length;
    await images.pull(ref);
    assert.deepEqual(fake.blobRequests(layer.digest).slice(seen), [{ range: `bytes=${kept}-` }]);
    await stillSound();
  });

  test('a registry that announces fewer bytes than the blob has: refused, naming the blob', async () => {
    const img = bigImage('short', 200_000);
    const ref = serve('berth/short', img);
    const layer = img.layers[0]!.desc;
    fake.fault = faultFor('berth/short', (route, _req, res) => {
      if (route.kind !== 'blob' || route.digest !== layer.digest || route.bytes === undefined) return false;
      sendBlob(res, route.bytes, route.range, { contentLength: 150_000 });
      return true;
    });
    const e = await rejection(images.pull(ref));
    assert.equal(
      e.message,
      `image "${ref}": registry ${fake.host}: blob ${layer.digest} of ${fake.host}/berth/short: truncated: the registry has 150000 of its ${layer.size} bytes`,
    );
    assert.equal(await images.stores.content.has(layer.digest), false);
    assert.equal((await ingests(images)).has(`pull-${layer.digest}`), false, 'refused before a byte was written: no ingest');
    await stillSound();
    fake.fault = undefined;
  });

  test('bytes that do not match their digest are refused, and nothing of them is kept', async () => {
    const img = bigImage('mismatch', 300_000);
    const ref = serve('berth/mismatch', img);
    const layer = img.layers[0]!.desc;
    fake.fault = faultFor('berth/mismatch', (route, _req, res) => {
      if (route.kind !== 'blob' || route.digest !== layer.digest || route.bytes === undefined) return false;
      const bad = Buffer.from(route.bytes);
      bad[bad.length - 100]! ^= 0xff;
      sendBlob(res, bad, route.range);
      return true;
    });
    const e = await rejection(images.pull(ref));
    assert.match(
      e.message,
      new RegExp(`^image "${ref}": registry ${fake.host}: blob ${layer.digest} of ${fake.host}/berth/mismatch: content does not match its digest \\(got sha256:[0-9a-f]{64}\\)$`),
    );
    assert.equal(await images.stores.content.has(layer.digest), false, 'no blob committed');
    assert.equal((await ingests(images)).has(`pull-${layer.digest}`), false, 'wrong bytes are not kept to resume from');
    await stillSound();

    // The registry repaired: the next pull starts from scratch and works.
    fake.fault = undefined;
    const seen = fake.blobRequests(layer.digest).length;
    await images.pull(ref);
    assert.deepEqual(fake.blobRequests(layer.digest).slice(seen), [{ range: undefined }]);
    await stillSound();
  });

  test('a layer that does not unpack to the diffID its config lists is refused, and no snapshot is left', async () => {
    const tar = tarBuffer([{ name: 'etc/liar', data: 'not what the config says\n' }]);
    const claimed = sha256Digest('something else');
    const img = craftImage([{ raw: gzipSync(tar), diffId: claimed }], { label: 'diffid' });
    const ref = serve('berth/diffid', img);
    const snapshotsBefore = (await images.stores.snapshots.list()).map((s) => s.name).sort();
    const e = await rejection(images.pull(ref));
    assert.ok(isBerthError(e, 'InvalidArgument'), String(e));
    assert.match(e.message, new RegExp(`diffID mismatch: the layer unpacks to ${sha256Digest(tar)}, the image config says ${claimed}$`));
    assert.match(e.message, new RegExp(`^image "${ref}": `));
    assert.deepEqual((await images.stores.snapshots.list()).map((s) => s.name).sort(), snapshotsBefore);
    await stillSound();
  });

  test('a truncated gzip layer is refused as corrupt (and berth does not crash on it)', async () => {
    const tar = tarBuffer([{ name: 'data/noise', data: randomBytes(50_000) }, { name: 'data/small', data: 'x' }]);
    const gz = gzipSync(tar);
    const img = craftImage([{ raw: gz.subarray(0, gz.length - 40), diffId: sha256Digest(tar) }], { label: 'gzip' });
    const ref = serve('berth/gzip', img);
    const e = await rejection(images.pull(ref));
    assert.ok(isBerthError(e, 'InvalidArgument'), String(e));
    assert.match(e.message, new RegExp(`^image "${ref}": layer ${img.layers[0]!.desc.digest}: corrupt gzip data: unexpected end of file$`));
    await stillSound();
  });

  test('403: the registry\'s refusal, once, not retried', async () => {
    const img = bigImage('forbidden', 1000);
    const ref = serve('berth/forbidden', img);
    fake.fault = faultFor('berth/forbidden', (_route, _req, res) => {
      sendRegistryError(res, 403, 'DENIED', 'requested access to the resource is denied');
      return true;
    });
    const seen = fake.requests.length;
    const e = await rejection(images.pull(ref));
    assert.ok(isBerthError(e, 'FailedPrecondition'), String(e));
    assert.equal(e.message, `registry ${fake.host}: denied: requested access to the resource is denied`);
    assert.equal(fake.requests.length - seen, 1);
    await stillSound();
    fake.fault = undefined;
  });

  test('429 with Retry-After: the pull waits as asked, then succeeds', async () => {
    const img = bigImage('ratelimit', 1000);
    const ref = serve('berth/ratelimit', img);
    let refused = 0;
    fake.fault = faultFor('berth/ratelimit', (route, _req, res) => {
      if (route.kind !== 'manifest' || refused > 0) return false;
      refused++;
      sendRegistryError(res, 429, 'TOOMANYREQUESTS', 'slow down', { 'retry-after': '1' });
      return true;
    });
    const started = Date.now();
    await images.pull(ref);
    assert.ok(Date.now() - started >= 950, 'waited for Retry-After');
    assert.equal(refused, 1);
    assert.ok(await listed(images, ref));
    fake.fault = undefined;
  });

  test('500 on a blob, then success: retried, the pull works', async () => {
    const img = bigImage('flaky', 1000);
    const ref = serve('berth/flaky', img);
    let failures = 0;
    fake.fault = faultFor('berth/flaky', (route, _req, res) => {
      if (route.kind !== 'blob' || failures > 0) return false;
      failures++;
      sendRegistryError(res, 500, 'UNKNOWN', 'storage hiccup');
      return true;
    });
    await images.pull(ref);
    assert.equal(failures, 1);
    assert.ok(await listed(images, ref));
    fake.fault = undefined;
  });

  test('500 forever: a few tries, then the registry\'s message', async () => {
    const img = bigImage('broken', 1000);
    const ref = serve('berth/broken', img);
    fake.fault = faultFor('berth/broken', (route, _req, res) => {
      if (route.kind !== 'blob') return false;
      sendRegistryError(res, 500, 'UNKNOWN', 'storage is down');
      return true;
    });
    const e = await rejection(images.pull(ref));
    assert.ok(isBerthError(e, 'Unavailable'), String(e));
    assert.equal(e.message, `registry ${fake.host}: unknown: storage is down`);
    assert.equal(fake.blobRequests(img.config.desc.digest).length, 4, 'four tries in all');
    await stillSound();
    fake.fault = undefined;
  });

  test('a registry that accepts the connection and never answers: a timeout, not a hang', async () => {
    const img = bigImage('silent', 1000);
    const ref = serve('berth/silent', img);
    fake.fault = faultFor('berth/silent', () => true);
    const started = Date.now();
    const e = await rejection(images.pull(ref));
    assert.ok(isBerthError(e, 'Unavailable'), String(e));
    assert.equal(e.message, `registry ${fake.host}: no response within 1s (GET /v2/berth/silent/manifests/v1)`);
    assert.ok(Date.now() - started < 5000);
    await stillSound();
    fake.fault = undefined;
  });

  test('nothing listening: connection refused, said plainly', async () => {
    const port = await freePort();
    const e = await rejection(images.pull(`127.0.0.1:${port}/berth/nowhere:v1`));
    assert.ok(isBerthError(e, 'Unavailable'), String(e));
    assert.equal(e.message, `registry 127.0.0.1:${port}: cannot connect to 127.0.0.1:${port}: connection refused`);
    await stillSound();
  });

  test('through the CLI: exit 1, one line on stderr, `berth images` unchanged', async () => {
    const env = cliEnv(path.join(dir, 'cli'), { DOCKER_CONFIG: path.join(dir, 'docker') });
    cliEnvs.push(env);
    const berth = (args: string[]) => runCommand(BERTH, args, { env });
    assert.equal((await berth(['pull', '-q', present.reference])).code, 0);
    const listImages = async () => (await berth(['images', '--digests', '--format', '{{.Repository}}:{{.Tag}} {{.ID}} {{.Digest}} {{.Size}}'])).stdout;
    const imagesBefore = await listImages();
    assert.match(imagesBefore, /berth\/present:1\.0 [0-9a-f]{12} sha256:/);

    const forbidden = serve('berth/cli-forbidden', bigImage('cli-forbidden', 1000));
    const mismatch = bigImage('cli-mismatch', 50_000);
    const mismatchRef = serve('berth/cli-mismatch', mismatch);
    const broken = serve('berth/cli-broken', bigImage('cli-broken', 1000));
    fake.fault = (route, _req, res) => {
      if (!('repo' in route)) return false;
      if (route.repo === 'berth/cli-forbidden') {
        sendRegistryError(res, 403, 'DENIED', 'requested access to the resource is denied');
        return true;
      }
      if (route.repo === 'berth/cli-broken' && route.kind === 'manifest') {
        sendRegistryError(res, 500, 'UNKNOWN', 'database on fire');
        return true;
      }
      if (route.repo === 'berth/cli-mismatch' && route.kind === 'blob' && route.digest === mismatch.layers[0]!.desc.digest && route.bytes) {
        sendBlob(res, Buffer.alloc(route.bytes.length, 0x42), route.range);
        return true;
      }
      return false;
    };
    try {
      const cases: [string, RegExp][] = [
        [forbidden, /^Error response from daemon: registry \S+: denied: requested access to the resource is denied$/],
        [broken, /^Error response from daemon: registry \S+: unknown: database on fire$/],
        // Found mid-stream: the CLI prints the stream's error as docker does, without the prefix.
        [mismatchRef, /^image "\S+": registry \S+: blob sha256:[0-9a-f]{64} of \S+: content does not match its digest \(got sha256:[0-9a-f]{64}\)$/],
      ];
      for (const [ref, message] of cases) {
        const r = await berth(['pull', ref]);
        assert.equal(r.code, 1, `berth pull ${ref}: ${r.stderr}`);
        const lines = r.stderr.trim().split('\n');
        assert.equal(lines.length, 1, `one line on stderr, got:\n${r.stderr}`);
        assert.match(lines[0]!, message);
        assert.equal(await listImages(), imagesBefore, `berth images changed after pulling ${ref}`);
      }
    } finally {
      fake.fault = undefined;
    }
  });
});

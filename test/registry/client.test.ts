/**
 * The registry client against the real thing: Debian's docker-registry
 * (distribution 2.8) in each authentication mode, holding an image that
 * umoci built and skopeo pushed. What our client pushes is read back by
 * skopeo and unpacked by umoci, so both directions are checked by tools we
 * did not write. Needs docker-registry, skopeo, umoci, apache2-utils,
 * openssl; no root.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, describe, it } from 'node:test';

import { isBerthError } from '../../src/errors.js';
import { RegistryClient } from '../../src/image/registry/index.js';
import { startRegistry, type RegistryAuthMode, type TestRegistry } from '../fixtures/registry/registry.js';
import {
  checkTree,
  pushTestImage,
  skopeo,
  skopeoPullAndUnpack,
  type PushedImage,
} from '../fixtures/registry/test-image.js';

const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';
const DOCKER_MANIFEST = 'application/vnd.docker.distribution.manifest.v2+json';
const UNKNOWN_DIGEST = `sha256:${'0'.repeat(64)}`;

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

const sha256 = (b: Buffer) => `sha256:${createHash('sha256').update(b).digest('hex')}`;

const EXPECTED_SCHEME = { none: 'none', htpasswd: 'basic', token: 'bearer' } as const;

for (const mode of ['none', 'htpasswd', 'token'] as const satisfies readonly RegistryAuthMode[]) {
  describe(`registry client, docker-registry with auth "${mode}"`, () => {
    let reg: TestRegistry | undefined;
    let image: PushedImage;
    let v2s2: PushedImage;
    let client: RegistryClient;
    let work = '';
    const repo = 'berth/busybox';
    const host = () => reg?.host ?? '';
    const creds = () => (reg?.credentials ? { credentials: reg.credentials } : {});

    before(async () => {
      work = await mkdtemp(join(tmpdir(), 'berth-test-registry-client-'));
      reg = await startRegistry({ auth: mode });
      image = await pushTestImage(reg.host, repo, creds());
      v2s2 = await pushTestImage(reg.host, repo, { ...creds(), tag: 'v2s2', format: 'v2s2' });
      client = new RegistryClient(reg.host, creds());
    });
    after(async () => {
      client?.close();
      await reg?.stop();
      await rm(work, { recursive: true, force: true });
    });

    it('pings, and says what authentication the registry wants', async () => {
      assert.deepEqual(await client.ping(), { auth: EXPECTED_SCHEME[mode] });
      const anonymous = new RegistryClient(host());
      try {
        assert.deepEqual(await anonymous.ping(), { auth: EXPECTED_SCHEME[mode] });
      } finally {
        anonymous.close();
      }
    });

    it('gets manifests by tag, OCI and Docker v2 schema 2, with their digests', async () => {
      const oci = await client.getManifest(repo, 'latest');
      assert.equal(oci.digest, image.digest);
      assert.equal(oci.mediaType, OCI_MANIFEST);
      assert.deepEqual(oci.bytes, image.manifest);
      const docker = await client.getManifest(repo, 'v2s2');
      assert.equal(docker.digest, v2s2.digest);
      assert.equal(docker.mediaType, DOCKER_MANIFEST);
      assert.deepEqual(docker.bytes, v2s2.manifest);
      assert.ok(image.layers.length >= 3, 'the test image has at least 3 layers');
    });

    it('gets a manifest by digest, and heads one', async () => {
      const m = await client.getManifest(repo, image.digest);
      assert.equal(m.digest, image.digest);
      assert.deepEqual(m.bytes, image.manifest);
      assert.deepEqual(await client.headManifest(repo, 'latest'), {
        mediaType: OCI_MANIFEST,
        digest: image.digest,
        size: image.manifest.length,
      });
      assert.deepEqual(await client.headManifest(repo, v2s2.digest), {
        mediaType: DOCKER_MANIFEST,
        digest: v2s2.digest,
        size: v2s2.manifest.length,
      });
      assert.equal(await client.headManifest(repo, 'no-such-tag'), undefined);
    });

    it('says NotFound for a missing manifest, tag or digest, and a missing repository', async () => {
      await assert.rejects(client.getManifest(repo, 'nope'), (e) => {
        assert.ok(isBerthError(e, 'NotFound'));
        assert.equal(e.message, `manifest for ${host()}/${repo}:nope not found`);
        return true;
      });
      await assert.rejects(client.getManifest('berth/absent', UNKNOWN_DIGEST), (e) => {
        assert.ok(isBerthError(e, 'NotFound'));
        assert.equal(e.message, `manifest for ${host()}/berth/absent@${UNKNOWN_DIGEST} not found`);
        return true;
      });
      await assert.rejects(client.listTags('berth/absent'), (e) => isBerthError(e, 'NotFound'));
    });

    it('gets blobs whole and from an offset, and knows which exist', async () => {
      const layer = image.layers[0];
      assert.ok(layer);
      const whole = await readAll(await client.getBlob(repo, layer.digest));
      assert.equal(whole.length, layer.size);
      assert.equal(sha256(whole), layer.digest);
      const offset = Math.floor(layer.size / 3);
      const rest = await readAll(await client.getBlob(repo, layer.digest, { offset }));
      assert.deepEqual(rest, whole.subarray(offset));
      assert.equal((await readAll(await client.getBlob(repo, layer.digest, { offset: layer.size }))).length, 0);

      const config = await readAll(await client.getBlob(repo, image.config.digest));
      const parsed = JSON.parse(config.toString('utf8')) as { rootfs: { diff_ids: string[] } };
      assert.equal(parsed.rootfs.diff_ids.length, image.layers.length);

      assert.equal(await client.blobExists(repo, layer.digest), layer.size);
      assert.equal(await client.blobExists(repo, UNKNOWN_DIGEST), undefined);
      await assert.rejects(client.getBlob(repo, UNKNOWN_DIGEST), (e) => {
        assert.ok(isBerthError(e, 'NotFound'));
        assert.equal(e.message, `registry ${host()}: blob ${UNKNOWN_DIGEST} not found in ${host()}/${repo}`);
        return true;
      });
    });

    it('pushes blobs and a manifest that skopeo and umoci read back', async () => {
      const target = 'berth/copy';
      const blobs = new Map<string, Buffer>();
      for (const layer of image.layers) {
        const data = await readAll(await client.getBlob(repo, layer.digest));
        blobs.set(layer.digest, data);
        assert.equal(await client.pushBlob(target, layer.digest, layer.size, () => Readable.from([data])), 'pushed');
      }
      const first = image.layers[0];
      assert.ok(first);
      const firstData = blobs.get(first.digest) ?? Buffer.alloc(0);
      assert.equal(await client.pushBlob(target, first.digest, first.size, () => Readable.from([firstData])), 'exists');

      // A new config: the original plus a label, so the copy is an image of its own.
      const config = JSON.parse((await readAll(await client.getBlob(repo, image.config.digest))).toString('utf8')) as {
        config?: { Labels?: Record<string, string> };
      };
      config.config = { ...config.config, Labels: { 'org.berth.test': `pushed-by-berth-${mode}` } };
      const configBytes = Buffer.from(JSON.stringify(config));
      const configDigest = sha256(configBytes);
      await client.pushBlob(target, configDigest, configBytes.length, () => Readable.from([configBytes]));

      const manifest = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: OCI_MANIFEST,
          config: { mediaType: 'application/vnd.oci.image.config.v1+json', digest: configDigest, size: configBytes.length },
          layers: image.layers,
        }),
      );
      const digest = await client.putManifest(target, 'v1', manifest, OCI_MANIFEST);
      assert.equal(digest, sha256(manifest));
      const back = await client.getManifest(target, 'v1');
      assert.equal(back.digest, digest);
      assert.deepEqual(back.bytes, manifest);
      assert.deepEqual(await client.listTags(target), ['v1']);

      const credArgs = reg?.credentials ? ['--creds', `${reg.credentials.username}:${reg.credentials.password}`] : [];
      const inspected = JSON.parse(
        await skopeo(work, ['inspect', '--tls-verify=false', ...credArgs, `docker://${host()}/${target}:v1`]),
      ) as { Digest: string; Labels: Record<string, string>; Layers: string[] };
      assert.equal(inspected.Digest, digest);
      assert.equal(inspected.Labels['org.berth.test'], `pushed-by-berth-${mode}`);
      assert.deepEqual(
        inspected.Layers,
        image.layers.map((l) => l.digest),
      );
      const rootfs = await skopeoPullAndUnpack(join(work, 'copy'), `${host()}/${target}:v1`, reg?.credentials);
      assert.deepEqual(await checkTree(rootfs, image.expected), []);
    });

    it('mounts a blob from another repository, and falls back when it cannot', async () => {
      const layer = image.layers[1];
      assert.ok(layer);
      assert.equal(await client.mountBlob(repo, 'berth/mounted', layer.digest), true);
      assert.equal(await client.blobExists('berth/mounted', layer.digest), layer.size);
      assert.equal(await client.mountBlob(repo, 'berth/mounted', UNKNOWN_DIGEST), false);
      assert.equal(await client.blobExists('berth/mounted', UNKNOWN_DIGEST), undefined);
    });

    it('lists tags', async () => {
      assert.deepEqual((await client.listTags(repo)).sort(), ['latest', 'v2s2']);
    });

    if (mode !== 'none') {
      it('refuses bad credentials with a clear message', async () => {
        const bad = new RegistryClient(host(), { credentials: { username: 'berth-tester', password: 'wrong' } });
        try {
          const want =
            mode === 'htpasswd'
              ? `registry ${host()}: unauthorized: authentication required`
              : `registry ${host()}: unauthorized: incorrect username or password`;
          await assert.rejects(bad.ping(), (e) => isBerthError(e, 'FailedPrecondition') && e.message === want);
          await assert.rejects(bad.getManifest(repo, 'latest'), (e) => isBerthError(e, 'FailedPrecondition') && e.message === want);
        } finally {
          bad.close();
        }
      });
    }

    if (mode === 'htpasswd') {
      it('refuses anonymous pulls', async () => {
        const anonymous = new RegistryClient(host());
        try {
          await assert.rejects(anonymous.getManifest(repo, 'latest'), (e) => {
            assert.ok(isBerthError(e, 'FailedPrecondition'));
            assert.equal(e.message, `registry ${host()}: unauthorized: authentication required`);
            return true;
          });
        } finally {
          anonymous.close();
        }
      });
    }

    if (mode === 'token') {
      it('pulls anonymously with an anonymous token, but may not push', async () => {
        const anonymous = new RegistryClient(host());
        try {
          assert.equal((await anonymous.getManifest(repo, 'latest')).digest, image.digest);
          const data = Buffer.from('not allowed');
          await assert.rejects(
            anonymous.pushBlob('berth/anon', sha256(data), data.length, () => Readable.from([data])),
            (e) => isBerthError(e, 'FailedPrecondition') && /: unauthorized: authentication required$/.test(e.message),
          );
        } finally {
          anonymous.close();
        }
      });

      it('asks for one token per scope and reuses it', async () => {
        const log = reg?.tokens?.requests ?? [];
        const fresh = new RegistryClient(host(), creds());
        try {
          const before = log.length;
          await fresh.getManifest(repo, 'latest');
          await fresh.getManifest(repo, 'v2s2');
          await fresh.blobExists(repo, image.config.digest);
          await readAll(await fresh.getBlob(repo, image.config.digest));
          assert.equal(log.length - before, 1);
          assert.deepEqual(log.at(-1), { account: 'berth-tester', scopes: [`repository:${repo}:pull`], granted: true });
          await fresh.mountBlob(repo, 'berth/mount2', image.config.digest);
          assert.equal(log.length - before, 2);
          assert.deepEqual(log.at(-1)?.scopes, [`repository:${repo}:pull`, 'repository:berth/mount2:pull,push']);
        } finally {
          fresh.close();
        }
      });
    }
  });
}

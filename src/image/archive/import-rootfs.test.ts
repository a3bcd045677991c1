import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream } from 'node:fs';
import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { gunzipSync } from 'node:zlib';

import { isBerthError } from '../../errors.js';
import { sha256Digest } from '../digest.js';
import { MediaType } from '../media-types.js';
import { hostPlatform } from '../platform.js';
import { resolveImage } from '../resolve.js';
import { importRootfs } from './import-rootfs.js';
import { chunked, ingestLeftovers, makeRootfs, run, tarBuffer, tarFiles, tempStores, type Stores } from './test-fixtures.js';
import type { ContentStore, ContentWriter } from '../content-store.js';
import { randomBytes } from 'node:crypto';

async function withStores(t: { after(fn: () => Promise<void>): void }): Promise<Stores> {
  const s = await tempStores();
  t.after(() => s.cleanup());
  return s;
}

const invalid = (re: RegExp) => (e: unknown) => {
  assert.ok(isBerthError(e, 'InvalidArgument'), `want InvalidArgument, got ${String(e)}`);
  assert.match(e.message, re);
  return true;
};

async function rootfsTar(s: Stores, flags: string): Promise<string> {
  const root = path.join(s.dir, 'rootfs');
  await mkdir(root, { recursive: true });
  await makeRootfs(root, { 'etc/os-release': 'ID=test\n', 'bin/hello': '#!/bin/sh\necho hi\n' });
  const file = path.join(s.dir, `rootfs.tar${flags.includes('z') ? '.gz' : ''}`);
  await run('tar', [flags, file, '-C', root, '.']);
  return file;
}

describe('importRootfs', () => {
  it('turns a gzip rootfs tarball into a one-layer image with --change defaults', async (t) => {
    const s = await withStores(t);
    const file = await rootfsTar(s, '-czf');
    const created = new Date('2024-05-06T07:08:09Z');
    const res = await importRootfs(createReadStream(file), 'example/imported:v1', {
      content: s.content,
      images: s.images,
      changes: ['CMD ["sh"]', 'ENV A=1', 'WORKDIR /srv', 'EXPOSE 8080', 'LABEL k=v', 'USER nobody', 'VOLUME ["/data"]', 'STOPSIGNAL SIGINT'],
      message: 'from a test',
      created,
    });
    assert.equal(res.name, 'docker.io/example/imported:v1');
    assert.deepEqual((await s.images.get('example/imported:v1')).target, res.target);
    const img = await resolveImage(s.content, res.target);
    assert.equal(img.manifest.mediaType, MediaType.DockerManifest);
    assert.equal(img.configDescriptor.digest, res.config.digest);
    assert.equal(img.layers[0]?.mediaType, MediaType.DockerLayerGzip);
    const c = img.config;
    assert.equal(c.architecture, hostPlatform().architecture);
    assert.equal(c.os, 'linux');
    assert.equal(c.created, created.toISOString());
    assert.deepEqual(c.config?.Cmd, ['sh']);
    assert.deepEqual(c.config?.Env, ['A=1']);
    assert.equal(c.config?.WorkingDir, '/srv');
    assert.deepEqual(c.config?.ExposedPorts, { '8080/tcp': {} });
    assert.deepEqual(c.config?.Labels, { k: 'v' });
    assert.equal(c.config?.User, 'nobody');
    assert.deepEqual(c.config?.Volumes, { '/data': {} });
    assert.equal(c.config?.StopSignal, 'SIGINT');
    assert.deepEqual(c.history, [{ created: created.toISOString(), created_by: 'berth import', comment: 'from a test' }]);

    // The layer blob is gzip; its uncompressed tar hashes to the diffID and holds the rootfs.
    const blob = await s.content.readAll(res.layer.digest);
    assert.equal(sha256Digest(blob), res.layer.digest);
    const tar = gunzipSync(blob);
    assert.equal(sha256Digest(tar), c.rootfs.diff_ids[0]);
    assert.equal(res.diffId, c.rootfs.diff_ids[0]);
    const files = await tarFiles(chunked(tar));
    assert.equal(files.get('./etc/os-release')?.toString(), 'ID=test\n');
    assert.deepEqual(await ingestLeftovers(s.content), []);
  });

  it('takes a plain tar, an explicit platform, and the default message', async (t) => {
    const s = await withStores(t);
    const file = await rootfsTar(s, '-cf');
    const res = await importRootfs(createReadStream(file), 'plain', {
      content: s.content,
      images: s.images,
      platform: { os: 'linux', architecture: 'aarch64' },
    });
    assert.equal(res.name, 'docker.io/library/plain:latest');
    const img = await resolveImage(s.content, res.target, { platform: { os: 'linux', architecture: 'arm64' } });
    assert.deepEqual([img.config.architecture, img.config.variant], ['arm64', 'v8']);
    assert.equal(img.config.history?.[0]?.comment, 'Imported from -');
    const { stdout } = await run('sha256sum', [file]);
    assert.equal(res.diffId, `sha256:${stdout.split(' ')[0] ?? ''}`);
  });

  it('refuses what is not a tar, an unsupported change and a digest reference, storing nothing', async (t) => {
    const s = await withStores(t);
    const o = { content: s.content, images: s.images };
    await assert.rejects(importRootfs(chunked(Buffer.from('not a tar\n'.repeat(100))), 'x', o), invalid(/^import: not a tar archive \(/));
    await assert.rejects(importRootfs(chunked(Buffer.alloc(0)), 'x', o), invalid(/^import: not a tar archive \(empty/));
    await assert.rejects(
      importRootfs(chunked(Buffer.alloc(0)), 'x', { ...o, changes: ['RUN echo hi'] }),
      invalid(/^import: unsupported --change instruction "RUN echo hi"$/),
    );
    await assert.rejects(importRootfs(chunked(Buffer.alloc(0)), `x@sha256:${'a'.repeat(64)}`, o), invalid(/not a digest/));
    await assert.rejects(importRootfs(chunked(Buffer.alloc(0)), 'Bad Name', o), invalid(/invalid reference format/));
    assert.deepEqual(await s.images.list(), []);
    assert.deepEqual(await ingestLeftovers(s.content), []);
    const blobs = [];
    for await (const b of s.content.walk()) blobs.push(b);
    assert.deepEqual(blobs, []);
  });

  it('refuses a truncated gzip tarball and leaves no ingest', async (t) => {
    const s = await withStores(t);
    const file = await rootfsTar(s, '-czf');
    const gz = await readFile(file);
    await assert.rejects(
      importRootfs(chunked(gz.subarray(0, gz.length - 20)), 'x', { content: s.content, images: s.images }),
      invalid(/^import: truncated gzip stream$/),
    );
    assert.deepEqual(await ingestLeftovers(s.content), []);
    assert.deepEqual(await s.images.list(), []);
  });

  it('stops with the error of the store when writing the layer fails, leaving no ingest', async (t) => {
    const s = await withStores(t);
    let writes = 0;
    const failing: ContentStore = {
      info: (d) => s.content.info(d),
      has: (d) => s.content.has(d),
      read: (d, r) => s.content.read(d, r),
      readAll: (d) => s.content.readAll(d),
      delete: (d) => s.content.delete(d),
      walk: () => s.content.walk(),
      cleanupIngests: (ms) => s.content.cleanupIngests(ms),
      async writer(ref, expected): Promise<ContentWriter> {
        const w = await s.content.writer(ref, expected);
        return {
          ref: w.ref,
          get offset() {
            return w.offset;
          },
          write: async (chunk) => {
            if (++writes > 3) throw new Error('no space left on device');
            await w.write(chunk);
          },
          digest: () => w.digest(),
          commit: (e) => w.commit(e),
          close: () => w.close(),
          abort: () => w.abort(),
        };
      },
    };
    const big = await tarBuffer([{ name: 'noise', body: randomBytes(4 << 20) }]);
    await assert.rejects(importRootfs(chunked(big, 65536), 'x', { content: failing, images: s.images }), /no space left on device/);
    assert.deepEqual(await ingestLeftovers(s.content), []);
    assert.deepEqual(await s.images.list(), []);
  });
});

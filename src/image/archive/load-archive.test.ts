import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';
import { createReadStream } from 'node:fs';

import { isBerthError } from '../../errors.js';
import type { Descriptor } from '../descriptor.js';
import { sha256Digest } from '../digest.js';
import { parseManifest } from '../manifest.js';
import { MediaType } from '../media-types.js';
import { resolveImage } from '../resolve.js';
import { loadArchive, type LoadOptions } from './load-archive.js';
import { chunked, gzip, zstd, ingestLeftovers, layerTar, run, tarBuffer, tempStores, umociImage, type Entry, type Stores } from './test-fixtures.js';

const hex = (d: string) => d.slice('sha256:'.length);
const json = (v: unknown) => Buffer.from(JSON.stringify(v));

function configFor(layers: Buffer[], extra: Record<string, unknown> = {}): Buffer {
  return json({
    architecture: 'amd64',
    os: 'linux',
    created: '2024-01-01T00:00:00Z',
    config: { Cmd: ['sh'], Env: ['PATH=/bin'] },
    rootfs: { type: 'layers', diff_ids: layers.map((l) => sha256Digest(l)) },
    history: layers.map(() => ({ created_by: 'test' })),
    ...extra,
  });
}

interface TestImage {
  tags: string[];
  layers: Buffer[];
  config?: Buffer;
}

/** A `docker save` archive as Docker 20.10 writes it: layer dirs first, then configs, manifest.json, repositories. */
function dockerSaveEntries(images: TestImage[]): Entry[] {
  const entries: Entry[] = [];
  const seen = new Set<string>();
  const manifest: unknown[] = [];
  for (const img of images) {
    const config = img.config ?? configFor(img.layers);
    for (const l of img.layers) {
      const id = hex(sha256Digest(l));
      if (seen.has(id)) continue;
      seen.add(id);
      entries.push({ name: `${id}/`, type: 'dir' }, { name: `${id}/VERSION`, body: '1.0' }, { name: `${id}/layer.tar`, body: l });
    }
    const configName = `${hex(sha256Digest(config))}.json`;
    entries.push({ name: configName, body: config });
    manifest.push({ Config: configName, RepoTags: img.tags, Layers: img.layers.map((l) => `${hex(sha256Digest(l))}/layer.tar`) });
  }
  entries.push({ name: 'manifest.json', body: json(manifest) });
  return entries;
}

/** An OCI layout archive (optionally with Docker 25's manifest.json and symlinked layer.tar files). */
function ociEntries(
  images: { layers: Buffer[]; annotations?: Record<string, string>; tags?: string[] }[],
  docker25 = false,
): { entries: Entry[]; manifests: Descriptor[] } {
  const blobs = new Map<string, Buffer>();
  const add = (b: Buffer) => {
    blobs.set(hex(sha256Digest(b)), b);
    return sha256Digest(b);
  };
  const index: Descriptor[] = [];
  const dockerManifest: unknown[] = [];
  const links: Entry[] = [];
  for (const img of images) {
    const config = configFor(img.layers);
    const m = json({
      schemaVersion: 2,
      mediaType: MediaType.OciManifest,
      config: { mediaType: MediaType.OciConfig, digest: add(config), size: config.length },
      layers: img.layers.map((l) => ({ mediaType: MediaType.OciLayer, digest: add(l), size: l.length })),
    });
    const d: Descriptor = { mediaType: MediaType.OciManifest, digest: add(m), size: m.length };
    if (img.annotations) d.annotations = img.annotations;
    index.push(d);
    if (docker25) {
      for (const l of img.layers) {
        const id = hex(sha256Digest(l));
        links.push({ name: `${id}/layer.tar`, type: 'symlink', linkname: `../blobs/sha256/${id}` });
      }
      dockerManifest.push({
        Config: `blobs/sha256/${hex(sha256Digest(config))}`,
        RepoTags: img.tags ?? [],
        Layers: img.layers.map((l) => `blobs/sha256/${hex(sha256Digest(l))}`),
      });
    }
  }
  const entries: Entry[] = [
    { name: 'blobs/', type: 'dir' },
    { name: 'blobs/sha256/', type: 'dir' },
    ...[...blobs].map(([h, body]) => ({ name: `blobs/sha256/${h}`, body })),
    ...links,
    { name: 'oci-layout', body: '{"imageLayoutVersion":"1.0.0"}' },
    { name: 'index.json', body: json({ schemaVersion: 2, mediaType: MediaType.OciIndex, manifests: index }) },
  ];
  if (docker25) entries.push({ name: 'manifest.json', body: json(dockerManifest) });
  return { entries, manifests: index };
}

const invalid = (re: RegExp) => (e: unknown) => {
  assert.ok(isBerthError(e, 'InvalidArgument'), `want InvalidArgument, got ${String(e)}`);
  assert.match(e.message, re);
  return true;
};

async function withStores(t: { after(fn: () => Promise<void>): void }): Promise<Stores> {
  const s = await tempStores();
  t.after(() => s.cleanup());
  return s;
}

const opts = (s: Stores, extra: Partial<LoadOptions> = {}): LoadOptions => ({ content: s.content, images: s.images, ...extra });

describe('loadArchive: docker save format', () => {
  it('stores each image as a Docker v2 schema 2 manifest with uncompressed layers, tagged after all blobs', async (t) => {
    const s = await withStores(t);
    const l1 = await layerTar({ 'etc/hello': 'hello\n' });
    const l2 = await layerTar({ 'bin/app': 'app' });
    const l3 = await layerTar({ 'other/file': 'x' });
    const archive = await tarBuffer(
      dockerSaveEntries([
        { tags: ['app:1', 'me/app:latest'], layers: [l1, l2] },
        { tags: ['other:2'], layers: [l1, l3] },
      ]),
    );
    const res = await loadArchive(chunked(archive), opts(s));
    assert.deepEqual(res.loaded, ['docker.io/library/app:1', 'docker.io/me/app:latest', 'docker.io/library/other:2']);
    const rec = await s.images.get('app:1');
    assert.equal(rec.target.mediaType, MediaType.DockerManifest);
    const img = await resolveImage(s.content, rec.target);
    assert.equal(img.configDescriptor.mediaType, MediaType.DockerConfig);
    assert.equal(img.configDescriptor.digest, sha256Digest(configFor([l1, l2])));
    assert.deepEqual(
      img.layers.map((l) => [l.mediaType, l.digest, l.size]),
      [l1, l2].map((l) => [MediaType.DockerLayer, sha256Digest(l), l.length]),
    );
    assert.deepEqual(img.config.rootfs.diff_ids, img.layers.map((l) => l.digest));
    assert.deepEqual(await s.content.readAll(sha256Digest(l2)), l2);
    assert.equal((await s.images.get('me/app')).target.digest, rec.target.digest);
    assert.deepEqual(await ingestLeftovers(s.content), []);
  });

  it('reads a gzip-compressed archive, spooling large entries through ingests and leaving none', async (t) => {
    const s = await withStores(t);
    const l1 = await layerTar({ 'big/file': 'y'.repeat(300_000) });
    const archive = gzip(await tarBuffer(dockerSaveEntries([{ tags: ['big:1'], layers: [l1] }])));
    const res = await loadArchive(chunked(archive, 4096), opts(s, { limits: { smallFile: 1024 } }));
    assert.deepEqual(res.loaded, ['docker.io/library/big:1']);
    const img = await resolveImage(s.content, (await s.images.get('big:1')).target);
    assert.equal(img.layers[0]?.digest, sha256Digest(l1));
    assert.deepEqual(await ingestLeftovers(s.content), []);
  });

  it('keeps layer tars that are compressed after all, once they uncompress to their diff_ids', async (t) => {
    const s = await withStores(t);
    const l1 = await layerTar({ a: 'gz' });
    const l2 = await layerTar({ b: 'zst' });
    const config = configFor([l1, l2]);
    const configName = `${hex(sha256Digest(config))}.json`;
    const archive = await tarBuffer([
      { name: 'l1/layer.tar', body: gzip(l1) },
      { name: 'l2/layer.tar', body: zstd(l2) },
      { name: configName, body: config },
      { name: 'manifest.json', body: json([{ Config: configName, RepoTags: ['mixed:1'], Layers: ['l1/layer.tar', 'l2/layer.tar'] }]) },
    ]);
    await loadArchive(chunked(archive), opts(s));
    const img = await resolveImage(s.content, (await s.images.get('mixed:1')).target);
    // Docker's media types have no zstd, so the image is described in OCI terms.
    assert.equal(img.manifest.mediaType, MediaType.OciManifest);
    assert.deepEqual(
      img.layers.map((l) => [l.mediaType, l.digest]),
      [
        [MediaType.OciLayerGzip, sha256Digest(gzip(l1))],
        [MediaType.OciLayerZstd, sha256Digest(zstd(l2))],
      ],
    );

    const bad = await tarBuffer([
      { name: 'l1/layer.tar', body: gzip(l2) },
      { name: configName, body: configFor([l1]) },
      { name: 'manifest.json', body: json([{ Config: configName, RepoTags: ['bad:1'], Layers: ['l1/layer.tar'] }]) },
    ]);
    await assert.rejects(loadArchive(chunked(bad), opts(s)), invalid(/digest mismatch|uncompresses to sha256:/));
    await assert.rejects(s.images.get('bad:1'));
  });

  it('reports an untagged image by its manifest digest and tags nothing for it', async (t) => {
    const s = await withStores(t);
    const l1 = await layerTar({ a: 'a' });
    const res = await loadArchive(chunked(await tarBuffer(dockerSaveEntries([{ tags: [], layers: [l1] }]))), opts(s));
    assert.equal(res.loaded.length, 1);
    assert.match(res.loaded[0] ?? '', /^sha256:[a-f0-9]{64}$/);
    assert.equal(res.images[0]?.target.digest, res.loaded[0]);
    assert.deepEqual(await s.images.list(), []);
    assert.ok(await s.content.has(res.loaded[0] ?? ''));
  });

  it('loads an archive written by skopeo (docker-archive transport)', async (t) => {
    const s = await withStores(t);
    const layout = path.join(s.dir, 'layout');
    await umociImage(s.dir, layout, 'latest', { 'etc/hello': 'from umoci\n' });
    const file = path.join(s.dir, 'skopeo.tar');
    await run('skopeo', ['copy', `oci:${layout}:latest`, `docker-archive:${file}:foo/bar:1.0`]);
    const res = await loadArchive(createReadStream(file), opts(s));
    assert.deepEqual(res.loaded, ['docker.io/foo/bar:1.0']);
    const img = await resolveImage(s.content, (await s.images.get('foo/bar:1.0')).target);
    assert.deepEqual(img.config.config?.Cmd, ['sh']);
    assert.ok(img.config.config?.Env?.includes('FROM_UMOCI=1'));
    assert.equal(img.layers.length, 1);
    assert.equal(img.layers[0]?.digest, img.config.rootfs.diff_ids[0]);
    assert.deepEqual(await ingestLeftovers(s.content), []);
  });
});

describe('loadArchive: OCI image layout', () => {
  it('loads every entry of index.json, named from the containerd and ref.name annotations', async (t) => {
    const s = await withStores(t);
    const l1 = await layerTar({ a: '1' });
    const l2 = await layerTar({ b: '2' });
    const { entries, manifests } = ociEntries([
      { layers: [l1], annotations: { 'io.containerd.image.name': 'docker.io/library/one:1', 'org.opencontainers.image.ref.name': '1' } },
      { layers: [l1, l2], annotations: { 'org.opencontainers.image.ref.name': 'ghcr.io/x/two:2' } },
      { layers: [l2], annotations: { 'org.opencontainers.image.ref.name': 'v3' } },
    ]);
    const res = await loadArchive(chunked(gzip(await tarBuffer(entries))), opts(s, { baseName: 'localhost/three' }));
    assert.deepEqual(res.loaded, ['docker.io/library/one:1', 'ghcr.io/x/two:2', 'localhost/three:v3']);
    assert.equal((await s.images.get('ghcr.io/x/two:2')).target.digest, manifests[1]?.digest);
    const img = await resolveImage(s.content, (await s.images.get('localhost/three:v3')).target);
    assert.equal(img.layers[0]?.mediaType, MediaType.OciLayer);
    assert.deepEqual(await ingestLeftovers(s.content), []);
  });

  it('loads a Docker 25 archive (OCI layout, manifest.json, symlinked layer.tar) and takes RepoTags for unnamed entries', async (t) => {
    const s = await withStores(t);
    const l1 = await layerTar({ a: '1' });
    const { entries, manifests } = ociEntries([{ layers: [l1], tags: ['d25:latest'] }], true);
    const res = await loadArchive(chunked(await tarBuffer(entries)), opts(s));
    assert.deepEqual(res.loaded, ['docker.io/library/d25:latest']);
    assert.equal((await s.images.get('d25')).target.digest, manifests[0]?.digest);
  });

  it('loads OCI archives made by umoci (a tarred layout) and skopeo (oci-archive), blobs as they were', async (t) => {
    const s = await withStores(t);
    const layout = path.join(s.dir, 'layout');
    await umociImage(s.dir, layout, 'latest', { 'srv/index.html': 'hi\n' });
    const indexJson = JSON.parse(await readFile(path.join(layout, 'index.json'), 'utf8')) as { manifests: Descriptor[] };
    const original = indexJson.manifests[0]?.digest ?? '';

    const plain = path.join(s.dir, 'layout.tar');
    await run('tar', ['-C', layout, '-cf', plain, '.']);
    const res = await loadArchive(createReadStream(plain), opts(s, { baseName: 'localhost/umoci' }));
    assert.deepEqual(res.loaded, ['localhost/umoci:latest']);
    assert.equal((await s.images.get('localhost/umoci:latest')).target.digest, original);
    const img = await resolveImage(s.content, (await s.images.get('localhost/umoci:latest')).target);
    assert.equal(img.layers[0]?.mediaType, MediaType.OciLayerGzip);

    // Without a base name, a bare tag names nothing.
    const unnamed = await loadArchive(createReadStream(plain), opts(s));
    assert.deepEqual(unnamed.loaded, [original]);

    const ociArchive = path.join(s.dir, 'skopeo-oci.tar');
    await run('skopeo', ['copy', `oci:${layout}:latest`, `oci-archive:${ociArchive}:localhost/skopeo:v1`]);
    const res2 = await loadArchive(createReadStream(ociArchive), opts(s));
    assert.deepEqual(res2.loaded, ['localhost/skopeo:v1']);
    const img2 = await resolveImage(s.content, (await s.images.get('localhost/skopeo:v1')).target);
    assert.equal(img2.config.rootfs.diff_ids[0], img.config.rootfs.diff_ids[0]);
    assert.deepEqual(await ingestLeftovers(s.content), []);
  });
});

describe('loadArchive: bad archives', () => {
  interface Case {
    name: string;
    archive: () => Promise<Buffer>;
    error: RegExp;
  }
  const cases: Case[] = [
    { name: 'not a tar', archive: async () => Buffer.from('this is not a tar archive\n'.repeat(40)), error: /^invalid archive: not a tar archive \(/ },
    { name: 'a short non-tar', archive: async () => Buffer.from('hello'), error: /^invalid archive: not a tar archive/ },
    { name: 'an empty stream', archive: async () => Buffer.alloc(0), error: /^invalid archive: not a tar archive \(empty/ },
    {
      name: 'neither manifest.json nor index.json',
      archive: () => tarBuffer([{ name: 'README', body: 'hi' }]),
      error: /^invalid archive: neither manifest\.json \(docker save\) nor index\.json \(OCI image layout\) found$/,
    },
    {
      name: 'a layer missing',
      archive: async () => {
        const l = await layerTar({ a: 'a' });
        const entries = dockerSaveEntries([{ tags: ['keep:latest'], layers: [l] }]).filter((e) => !e.name.endsWith('layer.tar'));
        return tarBuffer(entries);
      },
      error: /^invalid archive: manifest\.json references missing file "[a-f0-9]{64}\/layer\.tar"$/,
    },
    {
      name: 'a layer that does not match its diff_id',
      archive: async () => {
        const l = await layerTar({ a: 'a' });
        const other = await layerTar({ b: 'b' });
        return tarBuffer(dockerSaveEntries([{ tags: ['keep:latest'], layers: [l], config: configFor([other]) }]));
      },
      error: /^invalid archive: layer "[a-f0-9]{64}\/layer\.tar" has digest sha256:[a-f0-9]{64}, but diff_ids\[0\] of its config is sha256:/,
    },
    {
      name: 'a config whose name is not its digest',
      archive: async () => {
        const l = await layerTar({ a: 'a' });
        const entries = dockerSaveEntries([{ tags: ['keep:latest'], layers: [l] }]);
        return tarBuffer(entries.map((e) => (e.name.endsWith('.json') && e.name !== 'manifest.json' ? { ...e, body: configFor([l], { author: 'x' }) } : e)));
      },
      error: /^invalid archive: digest mismatch: "[a-f0-9]{64}\.json" has digest sha256:/,
    },
    {
      name: 'a layer count that does not match the config',
      archive: async () => {
        const l = await layerTar({ a: 'a' });
        return tarBuffer(dockerSaveEntries([{ tags: ['keep:latest'], layers: [l], config: configFor([l, l]) }]));
      },
      error: /lists 1 layers, its config 2 diff_ids/,
    },
    {
      name: 'a manifest.json that is not JSON',
      archive: () => tarBuffer([{ name: 'manifest.json', body: '[{' }]),
      error: /^invalid archive: manifest\.json: invalid JSON/,
    },
    {
      name: 'a corrupt OCI blob',
      archive: async () => {
        const l = await layerTar({ a: 'a' });
        const { entries } = ociEntries([{ layers: [l], annotations: { 'io.containerd.image.name': 'keep:latest' } }]);
        const h = hex(sha256Digest(l));
        return tarBuffer(entries.map((e) => (e.name === `blobs/sha256/${h}` ? { ...e, body: Buffer.alloc(l.length, 1) } : e)));
      },
      error: /^invalid archive: digest mismatch: "blobs\/sha256\/[a-f0-9]{64}" has digest sha256:/,
    },
    {
      name: 'a missing OCI blob',
      archive: async () => {
        const l = await layerTar({ a: 'a' });
        const { entries } = ociEntries([{ layers: [l], annotations: { 'io.containerd.image.name': 'keep:latest' } }]);
        return tarBuffer(entries.filter((e) => e.name !== `blobs/sha256/${hex(sha256Digest(l))}`));
      },
      error: /^invalid archive: missing blob "blobs\/sha256\/[a-f0-9]{64}" \(layers\[0\] of manifest sha256:/,
    },
    {
      name: 'a truncated stream',
      archive: async () => {
        const l = await layerTar({ big: 'z'.repeat(200_000) });
        const full = await tarBuffer(dockerSaveEntries([{ tags: ['keep:latest'], layers: [l] }]));
        return full.subarray(0, 100_000);
      },
      error: /^invalid archive: tar stream: truncated/,
    },
    {
      name: 'a truncated gzip stream',
      archive: async () => {
        const l = await layerTar({ big: 'z'.repeat(200_000) });
        const full = gzip(await tarBuffer(dockerSaveEntries([{ tags: ['keep:latest'], layers: [l] }])));
        return full.subarray(0, full.length - 100);
      },
      error: /^invalid archive: truncated gzip stream$/,
    },
  ];

  for (const spool of ['memory', 'ingest'] as const) {
    for (const c of cases) {
      it(`refuses ${c.name} (${spool}), leaving names and the ingest area as they were`, async (t) => {
        const s = await withStores(t);
        const keepLayer = await layerTar({ keep: 'me' });
        await loadArchive(chunked(await tarBuffer(dockerSaveEntries([{ tags: ['keep:latest'], layers: [keepLayer] }]))), opts(s));
        const before = await s.images.list();
        const limits = spool === 'ingest' ? { smallFile: 0 } : {};
        await assert.rejects(loadArchive(chunked(await c.archive()), opts(s, { limits })), invalid(c.error));
        assert.deepEqual(await s.images.list(), before);
        assert.deepEqual(await ingestLeftovers(s.content), []);
      });
    }
  }

  it('checks a base name before reading anything', async (t) => {
    const s = await withStores(t);
    await assert.rejects(loadArchive(chunked(Buffer.alloc(0)), opts(s, { baseName: 'x:tag' })), invalid(/must be a repository without tag or digest/));
  });

  it('keeps blobs already stored when the archive lacks them, if the digest and size match', async (t) => {
    const s = await withStores(t);
    const l = await layerTar({ a: 'shared' });
    const first = ociEntries([{ layers: [l], annotations: { 'io.containerd.image.name': 'a:1' } }]);
    await loadArchive(chunked(await tarBuffer(first.entries)), opts(s));
    const second = ociEntries([{ layers: [l], annotations: { 'io.containerd.image.name': 'b:1' } }]);
    const without = second.entries.filter((e) => e.name !== `blobs/sha256/${hex(sha256Digest(l))}`);
    assert.deepEqual((await loadArchive(chunked(await tarBuffer(without)), opts(s))).loaded, ['docker.io/library/b:1']);
    const m = parseManifest(await s.content.readAll((await s.images.get('b:1')).target.digest));
    assert.equal(m.kind, 'manifest');
    assert.deepEqual(await readdir(s.content.blobsDir).then((x) => x.length), 3);
  });
});

import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createReadStream, createWriteStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import path from 'node:path';

import { isBerthError } from '../../errors.js';
import type { Descriptor } from '../descriptor.js';
import { sha256Digest } from '../digest.js';
import { MediaType } from '../media-types.js';
import { hostPlatform } from '../platform.js';
import { resolveImage } from '../resolve.js';
import { writeBlob } from '../write-blob.js';
import { importRootfs } from './import-rootfs.js';
import { loadArchive } from './load-archive.js';
import { saveArchive, type ArchiveFormat } from './save-archive.js';
import { chunked, zstd, layerTar, makeRootfs, run, tarBuffer, tarFiles, tempStores, umociImage, type Stores } from './test-fixtures.js';

const hex = (d: string) => d.slice('sha256:'.length);
const json = (v: unknown) => Buffer.from(JSON.stringify(v));

interface Fixture extends Stores {
  /** imported: one gzip layer */
  imported: string;
}

/** Stores with: example/a:1 (imported, gzip layer), shared/one:1 and shared/two:1 (docker-save, sharing a base layer), localhost/umoci:latest (OCI, gzip). */
async function fixture(t: { after(fn: () => Promise<void>): void }): Promise<Fixture> {
  const s = await tempStores();
  t.after(() => s.cleanup());
  const root = path.join(s.dir, 'rootfs');
  await makeRootfs(root, { 'etc/hello': 'hello\n', 'bin/tool': 'tool' });
  const rootTar = path.join(s.dir, 'rootfs.tgz');
  await run('tar', ['-czf', rootTar, '-C', root, '.']);
  await importRootfs(createReadStream(rootTar), 'example/a:1', {
    content: s.content,
    images: s.images,
    changes: ['ENV X=1', 'CMD ["/bin/tool"]'],
  });

  const base = await layerTar({ 'base/file': 'base' });
  const one = await layerTar({ 'one/file': 'one' });
  const two = await layerTar({ 'two/file': 'two' });
  const entries = [];
  const manifest = [];
  for (const [tag, layers] of [['shared/one:1', [base, one]], ['shared/two:1', [base, two]]] as const) {
    const config = json({
      architecture: hostPlatform().architecture,
      os: 'linux',
      rootfs: { type: 'layers', diff_ids: layers.map((l) => sha256Digest(l)) },
    });
    for (const l of layers) entries.push({ name: `${hex(sha256Digest(l))}/layer.tar`, body: l });
    entries.push({ name: `${hex(sha256Digest(config))}.json`, body: config });
    manifest.push({ Config: `${hex(sha256Digest(config))}.json`, RepoTags: [tag], Layers: layers.map((l) => `${hex(sha256Digest(l))}/layer.tar`) });
  }
  entries.push({ name: 'manifest.json', body: json(manifest) });
  await loadArchive(chunked(await tarBuffer(entries)), { content: s.content, images: s.images });

  const layout = path.join(s.dir, 'layout');
  await umociImage(s.dir, layout, 'latest', { 'srv/index.html': 'umoci\n' });
  const layoutTar = path.join(s.dir, 'layout.tar');
  await run('tar', ['-C', layout, '-cf', layoutTar, '.']);
  await loadArchive(createReadStream(layoutTar), { content: s.content, images: s.images, baseName: 'localhost/umoci' });
  return { ...s, imported: 'docker.io/example/a:1' };
}

async function save(f: Stores, names: string[], format: ArchiveFormat, file: string): Promise<void> {
  const out = createWriteStream(file);
  try {
    await saveArchive(names, out, { content: f.content, images: f.images, format });
  } catch (e) {
    out.destroy();
    throw e;
  }
}

interface DockerManifestEntry {
  Config: string;
  RepoTags: string[];
  Layers: string[];
}

const skopeoJson = async (args: string[]): Promise<Record<string, unknown>> =>
  JSON.parse((await run('skopeo', args, { maxBuffer: 64 << 20 })).stdout) as Record<string, unknown>;

describe('saveArchive: docker format', () => {
  it('writes manifest.json, repositories, the config as stored and uncompressed layer tars whose sha256 is the diffID', async (t) => {
    const f = await fixture(t);
    const file = path.join(f.dir, 'a.tar');
    await save(f, ['example/a:1'], 'docker', file);
    const files = await tarFiles(createReadStream(file));
    const img = await resolveImage(f.content, (await f.images.get('example/a:1')).target);
    const diffId = img.config.rootfs.diff_ids[0] ?? '';
    const manifest = JSON.parse(files.get('manifest.json')?.toString() ?? '') as DockerManifestEntry[];
    assert.deepEqual(manifest, [{ Config: `${hex(img.configDescriptor.digest)}.json`, RepoTags: ['example/a:1'], Layers: [`${hex(diffId)}/layer.tar`] }]);
    assert.deepEqual(files.get(`${hex(img.configDescriptor.digest)}.json`), await f.content.readAll(img.configDescriptor.digest));
    const layer = files.get(`${hex(diffId)}/layer.tar`) ?? Buffer.alloc(0);
    assert.notDeepEqual([...layer.subarray(0, 2)], [0x1f, 0x8b], 'layer.tar must not be gzip');
    assert.equal(sha256Digest(layer), diffId);
    assert.deepEqual(JSON.parse(files.get('repositories')?.toString() ?? ''), { 'example/a': { '1': hex(diffId) } });
    assert.equal(files.get(`${hex(diffId)}/VERSION`)?.toString(), '1.0');

    // skopeo, an independent reader, accepts it and sees our layers and config.
    const info = await skopeoJson(['inspect', `docker-archive:${file}`]);
    assert.deepEqual(info.Layers, [diffId]);
    assert.equal(info.Architecture, img.config.architecture);
    assert.ok((info.Env as string[]).includes('X=1'));
    const cfg = await skopeoJson(['inspect', '--config', `docker-archive:${file}`]);
    assert.deepEqual(cfg.rootfs, img.config.rootfs);
    assert.deepEqual((cfg.config as Record<string, unknown>).Cmd, ['/bin/tool']);

    // and copies it out to an OCI layout.
    const oci = path.join(f.dir, 'copied');
    await run('skopeo', ['copy', `docker-archive:${file}`, `oci:${oci}:copied`]);
    const copied = await skopeoJson(['inspect', '--config', `oci:${oci}:copied`]);
    assert.deepEqual(copied.rootfs, img.config.rootfs);
  });

  it('writes several images with shared layers once, and loads back to the same images', async (t) => {
    const f = await fixture(t);
    const file = path.join(f.dir, 'multi.tar');
    const names = ['shared/one:1', 'shared/two:1', 'example/a:1', 'localhost/umoci:latest'];
    await save(f, names, 'docker', file);
    const files = await tarFiles(createReadStream(file));
    const layerTars = [...files.keys()].filter((n) => n.endsWith('/layer.tar'));
    const diffIds = new Set<string>();
    for (const n of names) for (const d of (await resolveImage(f.content, (await f.images.get(n)).target)).config.rootfs.diff_ids) diffIds.add(d);
    assert.equal(layerTars.length, diffIds.size);
    assert.equal(diffIds.size, 5);
    for (const n of layerTars) assert.equal(sha256Digest(files.get(n) ?? Buffer.alloc(0)), `sha256:${n.split('/')[0] ?? ''}`);
    const manifest = JSON.parse(files.get('manifest.json')?.toString() ?? '') as DockerManifestEntry[];
    assert.deepEqual(
      manifest.map((m) => m.RepoTags),
      [['shared/one:1'], ['shared/two:1'], ['example/a:1'], ['localhost/umoci:latest']],
    );

    for (const name of ['shared/two:1', 'localhost/umoci:latest']) {
      const info = await skopeoJson(['inspect', `docker-archive:${file}:${name}`]);
      const img = await resolveImage(f.content, (await f.images.get(name)).target);
      assert.deepEqual(info.Layers, img.config.rootfs.diff_ids);
    }

    const back = await tempStores();
    t.after(() => back.cleanup());
    const res = await loadArchive(createReadStream(file), { content: back.content, images: back.images });
    assert.deepEqual(res.loaded, ['docker.io/shared/one:1', 'docker.io/shared/two:1', 'docker.io/example/a:1', 'localhost/umoci:latest']);
    for (const n of names) {
      const was = await resolveImage(f.content, (await f.images.get(n)).target);
      const now = await resolveImage(back.content, (await back.images.get(n)).target);
      assert.equal(now.configDescriptor.digest, was.configDescriptor.digest);
      assert.deepEqual(
        now.layers.map((l) => [l.mediaType, l.digest]),
        was.config.rootfs.diff_ids.map((d) => [MediaType.DockerLayer, d]),
      );
    }
  });

  it('decompresses zstd layers into plain layer tars', async (t) => {
    const f = await fixture(t);
    const l = await layerTar({ 'z/file': 'zstd '.repeat(1000) });
    const config = json({ architecture: 'amd64', os: 'linux', rootfs: { type: 'layers', diff_ids: [sha256Digest(l)] } });
    const blob = zstd(l);
    const m = json({
      schemaVersion: 2,
      mediaType: MediaType.OciManifest,
      config: { mediaType: MediaType.OciConfig, digest: sha256Digest(config), size: config.length },
      layers: [{ mediaType: MediaType.OciLayerZstd, digest: sha256Digest(blob), size: blob.length }],
    });
    const target: Descriptor = { mediaType: MediaType.OciManifest, digest: sha256Digest(m), size: m.length };
    for (const [b, d] of [[config, sha256Digest(config)], [blob, sha256Digest(blob)], [m, target.digest]] as const) {
      await writeBlob(f.content, `test-${d}`, b, { digest: d });
    }
    await f.images.put('zstd:1', target);
    const file = path.join(f.dir, 'zstd.tar');
    await save(f, ['zstd:1'], 'docker', file);
    const files = await tarFiles(createReadStream(file));
    assert.deepEqual(files.get(`${hex(sha256Digest(l))}/layer.tar`), l);
    const info = await skopeoJson(['inspect', `docker-archive:${file}`]);
    assert.deepEqual(info.Layers, [sha256Digest(l)]);
  });

  it('puts all names of one image into one manifest.json entry', async (t) => {
    const f = await fixture(t);
    await f.images.put('example/alias:2', (await f.images.get('example/a:1')).target);
    const file = path.join(f.dir, 'alias.tar');
    await save(f, ['example/a:1', 'example/alias:2', 'example/a:1'], 'docker', file);
    const files = await tarFiles(createReadStream(file));
    const manifest = JSON.parse(files.get('manifest.json')?.toString() ?? '') as DockerManifestEntry[];
    assert.deepEqual(manifest.map((m) => m.RepoTags), [['example/a:1', 'example/alias:2']]);
  });

  it('saves the host platform of a multi-platform image', async (t) => {
    const f = await fixture(t);
    const target = (await f.images.get('example/a:1')).target;
    const index = json({
      schemaVersion: 2,
      mediaType: MediaType.OciIndex,
      manifests: [
        { mediaType: MediaType.DockerManifest, digest: `sha256:${'e'.repeat(64)}`, size: 100, platform: { os: 'linux', architecture: 's390x' } },
        { ...target, platform: hostPlatform() },
      ],
    });
    const indexDesc: Descriptor = { mediaType: MediaType.OciIndex, digest: sha256Digest(index), size: index.length };
    await writeBlob(f.content, 'test-index', index, indexDesc);
    await f.images.put('multi:1', indexDesc);

    const file = path.join(f.dir, 'multi-docker.tar');
    await save(f, ['multi:1'], 'docker', file);
    const manifest = JSON.parse((await tarFiles(createReadStream(file))).get('manifest.json')?.toString() ?? '') as DockerManifestEntry[];
    const img = await resolveImage(f.content, target);
    assert.equal(manifest[0]?.Config, `${hex(img.configDescriptor.digest)}.json`);
    assert.deepEqual(manifest[0]?.RepoTags, ['multi:1']);

    // OCI keeps the index (and leaves out the manifest that was never stored).
    const ociFile = path.join(f.dir, 'multi-oci.tar');
    await save(f, ['multi:1'], 'oci', ociFile);
    const files = await tarFiles(createReadStream(ociFile));
    assert.ok(files.has(`blobs/sha256/${hex(indexDesc.digest)}`));
    assert.ok(!files.has(`blobs/sha256/${'e'.repeat(64)}`));
    const back = await tempStores();
    t.after(() => back.cleanup());
    await loadArchive(createReadStream(ociFile), { content: back.content, images: back.images });
    const loaded = await back.images.get('multi:1');
    assert.equal(loaded.target.digest, indexDesc.digest);
    assert.equal((await resolveImage(back.content, loaded.target)).configDescriptor.digest, img.configDescriptor.digest);
  });
});

describe('saveArchive: OCI format', () => {
  it('writes an OCI layout with blobs as stored that skopeo reads and that loads back to the same manifests', async (t) => {
    const f = await fixture(t);
    const file = path.join(f.dir, 'oci.tar');
    const names = ['localhost/umoci:latest', 'example/a:1', 'shared/one:1'];
    await save(f, names, 'oci', file);
    const files = await tarFiles(createReadStream(file));
    assert.deepEqual(JSON.parse(files.get('oci-layout')?.toString() ?? ''), { imageLayoutVersion: '1.0.0' });
    for (const [name, body] of files) if (name.startsWith('blobs/sha256/')) assert.equal(sha256Digest(body), `sha256:${name.slice(13)}`);
    const index = JSON.parse(files.get('index.json')?.toString() ?? '') as { mediaType: string; manifests: Descriptor[] };
    assert.equal(index.mediaType, MediaType.OciIndex);
    assert.deepEqual(
      index.manifests.map((m) => m.annotations),
      [
        { 'io.containerd.image.name': 'localhost/umoci:latest', 'org.opencontainers.image.ref.name': 'latest' },
        { 'io.containerd.image.name': 'docker.io/example/a:1', 'org.opencontainers.image.ref.name': '1' },
        { 'io.containerd.image.name': 'docker.io/shared/one:1', 'org.opencontainers.image.ref.name': '1' },
      ],
    );
    for (const [i, n] of names.entries()) assert.equal(index.manifests[i]?.digest, (await f.images.get(n)).target.digest);

    const info = await skopeoJson(['inspect', `oci-archive:${file}:latest`]);
    const umoci = await resolveImage(f.content, (await f.images.get('localhost/umoci:latest')).target);
    assert.deepEqual(info.Layers, umoci.layers.map((l) => l.digest));

    const back = await tempStores();
    t.after(() => back.cleanup());
    const res = await loadArchive(createReadStream(file), { content: back.content, images: back.images });
    assert.deepEqual(res.loaded, ['localhost/umoci:latest', 'docker.io/example/a:1', 'docker.io/shared/one:1']);
    for (const n of names) assert.deepEqual((await back.images.get(n)).target, (await f.images.get(n)).target);
    await resolveImage(back.content, (await back.images.get('example/a:1')).target);
  });
});

describe('saveArchive: errors', () => {
  it('fails before writing anything when an image or a blob is missing', async (t) => {
    const f = await fixture(t);
    const file = path.join(f.dir, 'none.tar');
    await assert.rejects(save(f, ['example/a:1', 'nope:1'], 'docker', file), (e: unknown) => isBerthError(e, 'NotFound') && /nope/.test(e.message));
    await assert.rejects(save(f, [], 'docker', file), (e: unknown) => isBerthError(e, 'InvalidArgument') && /no images given/.test(e.message));

    const img = await resolveImage(f.content, (await f.images.get('shared/two:1')).target);
    await f.content.delete(img.layers[1]?.digest ?? '');
    for (const format of ['docker', 'oci'] as const) {
      const out = path.join(f.dir, `broken-${format}.tar`);
      await rm(out, { force: true });
      await assert.rejects(save(f, ['shared/two:1'], format, out), (e: unknown) => {
        assert.ok(isBerthError(e), String(e));
        assert.match(e.message, /^image "shared\/two:1": /);
        return true;
      });
      assert.equal((await stat(out)).size, 0);
    }
  });
});

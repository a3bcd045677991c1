import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import { isBerthError } from '../errors.js';
import { parseManifest } from './manifest.js';
import { MediaType } from './media-types.js';

const d = (c: string) => `sha256:${c.repeat(64)}`;

const dockerManifest = {
  schemaVersion: 2,
  mediaType: MediaType.DockerManifest,
  config: { mediaType: MediaType.DockerConfig, size: 1469, digest: d('1') },
  layers: [{ mediaType: MediaType.DockerLayerGzip, size: 2591575, digest: d('2') }],
};

const dockerList = {
  schemaVersion: 2,
  mediaType: MediaType.DockerManifestList,
  manifests: [
    { mediaType: MediaType.DockerManifest, size: 528, digest: d('3'), platform: { architecture: 'amd64', os: 'linux' } },
    { mediaType: MediaType.DockerManifest, size: 528, digest: d('4'), platform: { architecture: 'arm64', os: 'linux', variant: 'v8' } },
  ],
};

const ociManifest = {
  schemaVersion: 2,
  config: { mediaType: MediaType.OciConfig, size: 10, digest: d('5') },
  layers: [
    { mediaType: MediaType.OciLayerZstd, size: 20, digest: d('6'), annotations: { 'org.opencontainers.image.title': 'x' } },
    { mediaType: MediaType.OciLayerNondistributableGzip, size: 30, digest: d('7'), urls: ['https://example.com/layer'] },
  ],
  annotations: { a: 'b' },
};

const json = (v: unknown) => Buffer.from(JSON.stringify(v));

const invalidArg = (re: RegExp) => (e: unknown) => isBerthError(e, 'InvalidArgument') && re.test(e.message);

describe('parseManifest', () => {
  it('parses a Docker v2 schema 2 manifest', () => {
    const p = parseManifest(json(dockerManifest));
    assert.equal(p.kind, 'manifest');
    assert.equal(p.mediaType, MediaType.DockerManifest);
    assert.ok(p.kind === 'manifest');
    assert.deepEqual(p.manifest, dockerManifest);
  });

  it('parses a Docker manifest list', () => {
    const p = parseManifest(JSON.stringify(dockerList));
    assert.ok(p.kind === 'index');
    assert.equal(p.mediaType, MediaType.DockerManifestList);
    assert.equal(p.index.manifests.length, 2);
    assert.deepEqual(p.index.manifests[1]?.platform, { architecture: 'arm64', os: 'linux', variant: 'v8' });
  });

  it('parses an OCI manifest without mediaType, by hint or by shape', () => {
    const bare = parseManifest(json(ociManifest));
    assert.ok(bare.kind === 'manifest');
    assert.equal(bare.mediaType, MediaType.OciManifest);
    assert.deepEqual(bare.manifest, ociManifest);
    const hinted = parseManifest(json(ociManifest), MediaType.DockerManifest);
    assert.equal(hinted.mediaType, MediaType.DockerManifest);
    assert.equal(parseManifest(json(ociManifest), 'application/octet-stream').mediaType, MediaType.OciManifest);
  });

  it('parses an OCI index by hint or by shape', () => {
    const index = { schemaVersion: 2, manifests: [{ mediaType: MediaType.OciManifest, digest: d('8'), size: 1 }] };
    const p = parseManifest(json(index), MediaType.OciIndex);
    assert.ok(p.kind === 'index');
    assert.equal(p.mediaType, MediaType.OciIndex);
    assert.equal(parseManifest(json(index)).kind, 'index');
    assert.equal(parseManifest(json({ schemaVersion: 2, manifests: [] })).kind, 'index');
  });

  it('drops nulls nowhere it matters and keeps optional fields', () => {
    const withSubject = { ...ociManifest, artifactType: 'application/x', subject: { mediaType: MediaType.OciManifest, digest: d('9'), size: 2 } };
    const p = parseManifest(json(withSubject));
    assert.ok(p.kind === 'manifest');
    assert.equal(p.manifest.artifactType, 'application/x');
    assert.equal(p.manifest.subject?.digest, d('9'));
  });

  it('refuses schema 1 as FailedPrecondition', () => {
    const schema1 = { schemaVersion: 1, name: 'library/busybox', tag: 'latest', fsLayers: [] };
    for (const [bytes, hint] of [
      [json(schema1), undefined],
      [json(schema1), MediaType.DockerSchema1SignedManifest],
      [json({ ...dockerManifest }), MediaType.DockerSchema1Manifest],
      [json({ ...dockerManifest, mediaType: MediaType.DockerSchema1Manifest }), undefined],
    ] as const) {
      assert.throws(
        () => parseManifest(bytes, hint),
        (e: unknown) => isBerthError(e, 'FailedPrecondition') && e.message === 'manifest: schema 1 manifests are not supported',
      );
    }
  });

  it('rejects malformed documents, naming the field', () => {
    const cases: [unknown, RegExp][] = [
      ['not json', /manifest: invalid JSON/],
      [[], /must be a JSON object/],
      [{ ...dockerManifest, schemaVersion: 3 }, /schemaVersion: unsupported schema version 3/],
      [{ ...dockerManifest, schemaVersion: '2' }, /schemaVersion: must be an integer/],
      [{ config: dockerManifest.config, layers: [] }, /manifest\.schemaVersion: is required/],
      [{ schemaVersion: 2 }, /neither a manifest .* nor an index/],
      [{ ...dockerManifest, manifests: [] }, /ambiguous manifest or index/],
      [{ ...dockerManifest, mediaType: 'application/json' }, /unsupported manifest media type "application\/json"/],
      [{ ...dockerManifest, mediaType: MediaType.OciIndex }, /an index must not have "config" or "layers"/],
      [{ ...dockerList, mediaType: MediaType.OciManifest }, /a manifest must not have "manifests"/],
      [{ ...dockerManifest, config: undefined }, /manifest\.config: is required/],
      [{ ...dockerManifest, layers: {} }, /manifest\.layers: must be an array/],
      [{ ...dockerManifest, layers: [{ mediaType: 'x', size: 1, digest: 'sha256:abc' }] }, /manifest\.layers\[0\]\.digest "sha256:abc": invalid sha256 digest/],
      [{ ...dockerManifest, layers: [{ mediaType: 'x', size: 1, digest: `md5:${'a'.repeat(32)}` }] }, /unsupported digest algorithm "md5"/],
      [{ ...dockerManifest, layers: [{ mediaType: 'x', size: -1, digest: d('a') }] }, /layers\[0\]\.size: must be non-negative/],
      [{ ...dockerManifest, layers: [{ mediaType: 'x', size: 1.5, digest: d('a') }] }, /layers\[0\]\.size: must be an integer/],
      [{ ...dockerManifest, layers: [{ mediaType: '', size: 1, digest: d('a') }] }, /layers\[0\]\.mediaType: must not be empty/],
      [{ ...dockerManifest, layers: [{ size: 1, digest: d('a') }] }, /layers\[0\]\.mediaType: is required/],
      [{ ...dockerManifest, layers: [{ mediaType: 'x', size: 1, digest: d('a'), urls: [1] }] }, /layers\[0\]\.urls\[0\]: must be a string/],
      [{ ...dockerList, manifests: [{ mediaType: 'x', size: 1, digest: d('a'), platform: { os: 'linux' } }] }, /manifests\[0\]\.platform\.architecture: is required/],
      [{ ...dockerList, manifests: [{ mediaType: 'x', size: 1, digest: d('a'), annotations: { a: 1 } }] }, /manifests\[0\]\.annotations\.a: must be a string/],
    ];
    for (const [doc, re] of cases) {
      const bytes = typeof doc === 'string' ? doc : JSON.stringify(doc);
      assert.throws(() => parseManifest(bytes), invalidArg(re), `${bytes} should fail with ${re}`);
    }
  });

  it('rejects a document of the other kind than its descriptor said', () => {
    assert.throws(() => parseManifest(json(dockerManifest), MediaType.OciIndex), invalidArg(/does not match the expected/));
    assert.throws(() => parseManifest(json(ociManifest), MediaType.OciIndex), invalidArg(/index must not have "config"/));
  });

  it('uses the caller context in messages', () => {
    assert.throws(() => parseManifest('{}', undefined, 'manifest sha256:x'), /^BerthError: manifest sha256:x\.schemaVersion: is required$/);
  });
});

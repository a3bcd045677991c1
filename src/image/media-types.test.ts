import { describe, it } from 'node:test';
import assert from 'node:assert/strict';

import {
  isConfigType,
  isIndexType,
  isLayerType,
  isManifestType,
  isNondistributableType,
  isSchema1Type,
  layerCompression,
  MANIFEST_MEDIA_TYPES,
  MediaType,
} from './media-types.js';

describe('media types', () => {
  it('sorts manifests, indexes and configs', () => {
    assert.ok(isIndexType(MediaType.OciIndex) && isIndexType(MediaType.DockerManifestList));
    assert.ok(isManifestType(MediaType.OciManifest) && isManifestType(MediaType.DockerManifest));
    assert.ok(!isManifestType(MediaType.OciIndex) && !isIndexType(MediaType.DockerManifest));
    assert.ok(isConfigType(MediaType.DockerConfig) && isConfigType(MediaType.OciConfig));
    assert.ok(isSchema1Type(MediaType.DockerSchema1SignedManifest));
    assert.deepEqual(new Set(MANIFEST_MEDIA_TYPES).size, 4);
  });

  it('knows how layers are compressed', () => {
    assert.equal(layerCompression(MediaType.DockerLayerGzip), 'gzip');
    assert.equal(layerCompression(MediaType.DockerLayerForeignGzip), 'gzip');
    assert.equal(layerCompression(MediaType.OciLayer), 'none');
    assert.equal(layerCompression(MediaType.OciLayerZstd), 'zstd');
    assert.equal(layerCompression(MediaType.OciLayerNondistributableGzip), 'gzip');
    assert.equal(layerCompression(MediaType.OciConfig), undefined);
    assert.ok(isLayerType(MediaType.OciLayerGzip) && !isLayerType('application/octet-stream'));
  });

  it('marks foreign and non-distributable layers', () => {
    assert.ok(isNondistributableType(MediaType.DockerLayerForeignGzip));
    assert.ok(isNondistributableType(MediaType.OciLayerNondistributableZstd));
    assert.ok(!isNondistributableType(MediaType.OciLayerGzip));
  });
});

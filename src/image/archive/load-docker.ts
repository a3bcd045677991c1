/**
 * Plans the load of a `docker save` archive. Its layers are tars as they
 * were applied (uncompressed; their digest is the diffID), so each image
 * gets a Docker v2 schema 2 manifest made here: config and layers with
 * their media types and sizes, the layer digests checked against the
 * config's rootfs.diff_ids. A layer tar that is compressed after all (some
 * tools write gzip) is kept compressed, once its content is checked.
 */
import type { ContentStore } from '../content-store.js';
import type { Descriptor } from '../descriptor.js';
import { parseImageConfig } from '../image-config.js';
import { MediaType } from '../media-types.js';
import { normalizeImageName } from '../reference.js';
import { sha256Digest } from '../digest.js';
import { invalidArgument, isBerthError } from '../../errors.js';
import { sniffCompression } from '../unpack/decompress.js';
import { DOCKER_MANIFEST_JSON, parseDockerManifestJson } from './docker-manifest-json.js';
import type { EntrySpool, SpooledFile } from './entry-spool.js';
import { measureUncompressed } from './layer-measure.js';
import type { PlannedBlob, PlannedImage } from './load-plan.js';
import { INVALID_ARCHIVE } from './read-archive.js';
import { checkContentName, MAX_JSON } from './content-names.js';

const bad = (detail: string) => invalidArgument(INVALID_ARCHIVE, detail);

function fileOf(spool: EntrySpool, name: string): SpooledFile {
  const file = spool.lookup(name);
  if (file === undefined) throw bad(`${DOCKER_MANIFEST_JSON} references missing file ${JSON.stringify(name)}`);
  checkContentName(file);
  return file;
}

function repoTag(tag: string): string {
  try {
    return normalizeImageName(tag);
  } catch (e) {
    if (isBerthError(e)) throw bad(`${DOCKER_MANIFEST_JSON}: invalid RepoTag ${JSON.stringify(tag)}: ${e.message}`);
    throw e;
  }
}

const LAYER_TYPES = {
  docker: { none: MediaType.DockerLayer, gzip: MediaType.DockerLayerGzip },
  oci: { none: MediaType.OciLayer, gzip: MediaType.OciLayerGzip, zstd: MediaType.OciLayerZstd },
} as const;

export async function planDockerArchive(spool: EntrySpool, manifestJson: SpooledFile, content: ContentStore): Promise<PlannedImage[]> {
  const entries = parseDockerManifestJson(await spool.bytes(manifestJson, MAX_JSON));
  const plans: PlannedImage[] = [];
  for (const entry of entries) {
    const configFile = fileOf(spool, entry.Config);
    const configBytes = await spool.bytes(configFile, MAX_JSON);
    const config = parseImageConfig(configBytes, `config ${JSON.stringify(entry.Config)}`);
    const diffIds = config.rootfs.diff_ids;
    if (diffIds.length !== entry.Layers.length) {
      const counts = `lists ${entry.Layers.length} layers, its config ${diffIds.length} diff_ids`;
      throw bad(`${DOCKER_MANIFEST_JSON}: image ${JSON.stringify(entry.Config)} ${counts}`);
    }
    const blobs: PlannedBlob[] = [];
    const layers: { file: SpooledFile; compression: 'none' | 'gzip' | 'zstd' }[] = [];
    for (const [i, layerName] of entry.Layers.entries()) {
      const file = fileOf(spool, layerName);
      const diffId = diffIds[i] ?? '';
      let compression: 'none' | 'gzip' | 'zstd' = 'none';
      if (file.digest !== diffId) {
        const sniffed = sniffCompression(file.head);
        if (sniffed !== 'gzip' && sniffed !== 'zstd') {
          throw bad(`layer ${JSON.stringify(layerName)} has digest ${file.digest}, but diff_ids[${i}] of its config is ${diffId}`);
        }
        // Committed to be read back: a compressed layer's diffID is known only after decompressing it.
        await spool.commit(file, { digest: file.digest, size: file.size });
        const { diffId: actual } = await measureUncompressed(content, file.digest, '', `layer ${JSON.stringify(layerName)}`);
        if (actual !== diffId) {
          throw bad(`layer ${JSON.stringify(layerName)} uncompresses to ${actual}, but diff_ids[${i}] of its config is ${diffId}`);
        }
        compression = sniffed;
      }
      layers.push({ file, compression });
      blobs.push({ digest: file.digest, size: file.size, source: { kind: 'file', file } });
    }
    // Docker's media types have no zstd: an image with a zstd layer is described in OCI terms.
    const types = layers.some((l) => l.compression === 'zstd') ? LAYER_TYPES.oci : LAYER_TYPES.docker;
    const oci = types === LAYER_TYPES.oci;
    const layerDescriptors: Descriptor[] = layers.map(({ file, compression }) => ({
      mediaType: compression === 'zstd' ? LAYER_TYPES.oci.zstd : types[compression],
      digest: file.digest,
      size: file.size,
    }));
    const manifest = {
      schemaVersion: 2,
      mediaType: oci ? MediaType.OciManifest : MediaType.DockerManifest,
      config: { mediaType: oci ? MediaType.OciConfig : MediaType.DockerConfig, digest: configFile.digest, size: configFile.size },
      layers: layerDescriptors,
    };
    const manifestBytes = Buffer.from(JSON.stringify(manifest));
    const target: Descriptor = { mediaType: manifest.mediaType, digest: sha256Digest(manifestBytes), size: manifestBytes.length };
    blobs.push({ digest: configFile.digest, size: configFile.size, source: { kind: 'file', file: configFile } });
    blobs.push({ digest: target.digest, size: target.size, source: { kind: 'bytes', data: manifestBytes } });
    plans.push({ names: entry.RepoTags.map(repoTag), target, blobs });
  }
  return plans;
}

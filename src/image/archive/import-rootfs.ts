/**
 * `docker import`: a root filesystem tarball (plain, gzip or zstd) → a
 * one-layer image. The tar is read once, as it streams: its entries are
 * checked by the tar reader (a file that is not a tar is refused), its
 * bytes hashed into the diffID and gzip-compressed into a content-store
 * ingest, hashed again as the layer's digest. Then a config (the host's
 * platform unless told, `--change` defaults, one history entry) and a
 * Docker v2 schema 2 manifest are written, and `ref` is tagged.
 */
import { randomUUID } from 'node:crypto';
import { createGzip } from 'node:zlib';

import { invalidArgument } from '../../errors.js';
import type { ContentStore } from '../content-store.js';
import type { Descriptor, Platform } from '../descriptor.js';
import { Digester, sha256Digest } from '../digest.js';
import type { ImageConfig } from '../image-config.js';
import type { ImageStore } from '../image-store.js';
import { MediaType } from '../media-types.js';
import { hostPlatform, normalizePlatform } from '../platform.js';
import { fullString, parseReference, withDefaultTag } from '../reference.js';
import { readTar } from '../unpack/tar-reader.js';
import { writeBlob } from '../write-blob.js';
import { applyChanges } from './change-instructions.js';
import { archiveError, uncompressed } from './read-archive.js';
import { writeChunk } from './write-chunk.js';

export interface ImportOptions {
  content: ContentStore;
  images: Pick<ImageStore, 'put'>;
  /** `--change` instructions: CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD, STOPSIGNAL, USER, VOLUME, WORKDIR */
  changes?: readonly string[];
  /** default: the host's */
  platform?: Platform;
  /** the history comment; default "Imported from -" */
  message?: string;
  /** default: now */
  created?: Date;
}

export interface ImportResult {
  /** "docker.io/library/name:latest" */
  name: string;
  /** the manifest */
  target: Descriptor;
  /** its digest is the image ID docker prints */
  config: Descriptor;
  layer: Descriptor;
  diffId: string;
}

const CONTEXT = 'import';

interface StoredLayer {
  layer: Descriptor;
  diffId: string;
}

/** Streams the tar through the reader (to check it), the diffID hash and gzip into the content store. */
async function storeLayer(source: AsyncIterable<Uint8Array>, content: ContentStore): Promise<StoredLayer> {
  const tar = await uncompressed(source, CONTEXT);
  const writer = await content.writer(`import-${randomUUID()}`).catch((e: unknown) => {
    tar.destroy();
    throw e;
  });
  const diff = new Digester();
  const gzip = createGzip({ chunkSize: 1 << 16 });
  // Set before anything else reacts to it: a failed store (ENOSPC) is the cause of whatever follows.
  let storeError: unknown;
  const stored = (async () => {
    for await (const chunk of gzip as AsyncIterable<Buffer>) {
      try {
        await writer.write(chunk);
      } catch (e) {
        storeError ??= e;
        throw e;
      }
    }
  })();
  // The writing side may be waiting for 'drain': a closed gzip stream ends that wait.
  stored.catch(() => gzip.destroy());
  async function* tap(): AsyncGenerator<Buffer, void, undefined> {
    for await (const chunk of tar as AsyncIterable<Buffer>) {
      diff.update(chunk);
      await writeChunk(gzip, chunk, 'gzip');
      yield chunk;
    }
  }
  let entries = 0;
  try {
    try {
      // Bodies are not read here: the reader skips them, through tap(), so every byte is hashed and stored.
      const reader = readTar(tap());
      for (let r = await reader.next(); r.done !== true; r = await reader.next()) entries++;
    } catch (e) {
      throw archiveError(e, CONTEXT, entries);
    }
    if (diff.size === 0) throw invalidArgument(CONTEXT, 'empty input: not a tar archive');
    gzip.end();
    await stored;
    const info = await writer.commit();
    return { layer: { mediaType: MediaType.DockerLayerGzip, digest: info.digest, size: info.size }, diffId: diff.digest() };
  } catch (e) {
    gzip.destroy();
    tar.destroy();
    await stored.catch(() => undefined);
    await writer.abort();
    // What the reading side saw (a closed gzip stream) is only the echo of a failed store.
    throw storeError ?? e;
  }
}

export async function importRootfs(source: AsyncIterable<Uint8Array>, ref: string, options: ImportOptions): Promise<ImportResult> {
  const { content, images } = options;
  // Everything that can be refused is refused before the tarball is read.
  const reference = withDefaultTag(parseReference(ref));
  if (reference.digest !== undefined) throw invalidArgument(CONTEXT, `reference ${JSON.stringify(ref)} must be a name[:tag], not a digest`);
  const name = fullString(reference);
  const containerConfig = applyChanges(options.changes ?? [], {}, CONTEXT);
  const platform = normalizePlatform(options.platform ?? hostPlatform());

  const { layer, diffId } = await storeLayer(source, content);
  const created = (options.created ?? new Date()).toISOString();
  const config: ImageConfig = {
    created,
    architecture: platform.architecture,
    os: platform.os,
    ...(platform.variant === undefined ? {} : { variant: platform.variant }),
    config: containerConfig,
    rootfs: { type: 'layers', diff_ids: [diffId] },
    history: [{ created, created_by: 'berth import', comment: options.message ?? 'Imported from -' }],
  };
  const configBytes = Buffer.from(JSON.stringify(config));
  const configDesc: Descriptor = { mediaType: MediaType.DockerConfig, digest: sha256Digest(configBytes), size: configBytes.length };
  await writeBlob(content, `import-config-${configDesc.digest}`, configBytes, configDesc);
  const manifest = { schemaVersion: 2, mediaType: MediaType.DockerManifest, config: configDesc, layers: [layer] };
  const manifestBytes = Buffer.from(JSON.stringify(manifest));
  const target: Descriptor = { mediaType: MediaType.DockerManifest, digest: sha256Digest(manifestBytes), size: manifestBytes.length };
  await writeBlob(content, `import-manifest-${target.digest}`, manifestBytes, target);
  await images.put(name, target);
  return { name, target, config: configDesc, layer, diffId };
}

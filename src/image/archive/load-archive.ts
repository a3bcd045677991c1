/**
 * `docker load`: an image archive → blobs in the content store and names in
 * the image store. Takes a `docker save` archive (manifest.json, layer tars)
 * or an OCI image-layout archive (oci-layout, index.json, blobs/sha256/…),
 * either of them gzip- or zstd-compressed or not.
 *
 * The archive is read once, start to end, into an EntrySpool (large files
 * into content-store ingests, uncommitted). Then the loader plans every
 * image, commits all their blobs (each verified against its digest), and
 * only then tags them: a bad archive leaves every name as it was, and no
 * ingest behind. Blobs committed before a failure are unreferenced and go
 * at the next garbage collection.
 */
import { invalidArgument } from '../../errors.js';
import type { ContentStore } from '../content-store.js';
import type { ImageStore } from '../image-store.js';
import { DOCKER_MANIFEST_JSON } from './docker-manifest-json.js';
import { EntrySpool, type SpoolLimits } from './entry-spool.js';
import { planDockerArchive } from './load-docker.js';
import { OCI_INDEX, checkBaseName, planOciArchive } from './load-oci.js';
import { carryOut, mergeByTarget, type LoadedImage, type PlannedImage } from './load-plan.js';
import { INVALID_ARCHIVE, archiveError, spoolArchive } from './read-archive.js';

export type { LoadedImage } from './load-plan.js';

export interface LoadOptions {
  content: ContentStore;
  images: Pick<ImageStore, 'put'>;
  /**
   * Repository for OCI images whose `org.opencontainers.image.ref.name` is
   * only a tag (umoci writes "latest"): "localhost/app" names them
   * "localhost/app:latest". Without it such images are loaded unnamed.
   */
  baseName?: string;
  /** how much of the archive may wait in memory */
  limits?: SpoolLimits;
}

export interface LoadResult {
  /** the names given ("docker.io/library/busybox:latest"), or the manifest digest of an image without one */
  loaded: string[];
  images: LoadedImage[];
}

export async function loadArchive(source: AsyncIterable<Uint8Array>, options: LoadOptions): Promise<LoadResult> {
  const { content, images } = options;
  const baseName = options.baseName === undefined ? undefined : checkBaseName(options.baseName);
  const spool = new EntrySpool(content, options.limits);
  let failed = false;
  try {
    await spoolArchive(source, spool);
    let plans: PlannedImage[];
    const index = spool.lookup(OCI_INDEX);
    const manifestJson = spool.lookup(DOCKER_MANIFEST_JSON);
    // Docker 25+ writes both: the OCI layout is then the original, manifest.json a compatibility copy.
    if (index !== undefined) plans = await planOciArchive(spool, index, content, baseName === undefined ? {} : { baseName });
    else if (manifestJson !== undefined) plans = await planDockerArchive(spool, manifestJson, content);
    else throw invalidArgument(INVALID_ARCHIVE, `neither ${DOCKER_MANIFEST_JSON} (docker save) nor ${OCI_INDEX} (OCI image layout) found`);
    const loaded = await carryOut(mergeByTarget(plans), spool, content, images);
    return { loaded: loaded.flatMap((l) => (l.names.length > 0 ? l.names : [l.target.digest])), images: loaded };
  } catch (e) {
    failed = true;
    throw archiveError(e);
  } finally {
    try {
      await spool.dispose();
    } catch (e) {
      // A failed load reports its own error; a cleanup failure after success is worth raising.
      if (!failed) throw e;
    }
  }
}

/**
 * `docker save`: named images → one tar archive on `out`, in `docker save`
 * format (what `docker load` of Docker 20.10 and skopeo's docker-archive
 * read; layers uncompressed) or as an OCI image layout (blobs as stored).
 * Several images go into one archive; what they share is written once.
 * Everything is resolved and checked before the first byte is written, so
 * a missing image or blob fails without a partial archive, and `out` is
 * left as it was (the caller may still answer on it). On success `out` is
 * ended (unless `end: false`); a failure after the first byte (a blob that
 * went bad, a write error) destroys it, so half an archive cannot pass for
 * a whole one.
 */
import type { Writable } from 'node:stream';
import { finished } from 'node:stream/promises';

import { invalidArgument } from '../../errors.js';
import type { ContentStore } from '../content-store.js';
import type { Platform } from '../descriptor.js';
import type { ImageRecord, ImageStore } from '../image-store.js';
import { writeDockerArchive } from './save-docker.js';
import { writeOciArchive } from './save-oci.js';
import { TarWriter } from './tar-writer.js';

export type ArchiveFormat = 'docker' | 'oci';

export interface SaveOptions {
  content: ContentStore;
  images: Pick<ImageStore, 'get'>;
  /** default "docker" */
  format?: ArchiveFormat;
  /** docker format: which manifest of a multi-platform image; default the host's */
  platform?: Platform;
  /** end `out` when done; default true */
  end?: boolean;
}

export async function saveArchive(names: readonly string[], out: Writable, options: SaveOptions): Promise<void> {
  const format = options.format ?? 'docker';
  if (format !== 'docker' && format !== 'oci') {
    throw invalidArgument('save', `unknown format ${JSON.stringify(format)}, want "docker" or "oci"`);
  }
  if (names.length === 0) throw invalidArgument('save', 'no images given');
  const records: ImageRecord[] = [];
  for (const name of names) {
    const rec = await options.images.get(name);
    if (!records.some((r) => r.name === rec.name)) records.push(rec);
  }
  const end = options.end ?? true;
  const tar = new TarWriter(out);
  try {
    if (format === 'docker') {
      const { content } = options;
      await writeDockerArchive(records, tar, options.platform === undefined ? { content } : { content, platform: options.platform });
    } else {
      await writeOciArchive(records, tar, { content: options.content });
    }
    await tar.finish();
  } catch (e) {
    // Half an archive must not pass for a whole one. Before the first byte, `out` is still the caller's to answer on.
    if (end && tar.bytesWritten > 0) out.destroy(e instanceof Error ? e : new Error(String(e)));
    throw e;
  }
  if (end) {
    out.end();
    await finished(out);
  }
}

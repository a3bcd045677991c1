import { errnoCode, failedPrecondition, isBerthError } from '../../errors.js';
import type { ContentStore } from '../../image/content-store.js';
import type { Descriptor } from '../../image/descriptor.js';
import type { RegistryClient } from '../../image/registry/index.js';
import { shortId, type ProgressListener } from './progress.js';

/**
 * Streams one blob from the registry into the content store, verified on
 * commit. An ingest left by an interrupted pull is resumed with a range
 * request; a blob already present is not fetched at all.
 */
export async function downloadBlob(
  content: ContentStore,
  client: RegistryClient,
  repo: string,
  desc: Descriptor,
  onProgress: ProgressListener = () => {},
): Promise<'exists' | 'downloaded'> {
  const id = shortId(desc.digest);
  if (await content.has(desc.digest)) return 'exists';
  let current = 0;
  try {
    const writer = await content.writer(`pull-${desc.digest}`, { digest: desc.digest, size: desc.size });
    current = writer.offset;
    try {
      const body = await client.getBlob(repo, desc.digest, { offset: writer.offset, size: desc.size });
      let lastReport = 0;
      for await (const chunk of body as AsyncIterable<Buffer>) {
        await writer.write(chunk);
        current += chunk.length;
        // Thousands of chunks per layer: report every ~256 KiB, and the end.
        if (current - lastReport >= 262_144 || current === desc.size) {
          lastReport = current;
          onProgress({ id, status: 'Downloading', current, total: desc.size });
        }
      }
      onProgress({ id, status: 'Verifying Checksum' });
      await writer.commit({ digest: desc.digest, size: desc.size });
      onProgress({ id, status: 'Download complete' });
      return 'downloaded';
    } catch (e) {
      // Keep what arrived so a later pull resumes there, but only if it is
      // worth resuming: not an empty ingest, and not bytes the registry sent
      // for a blob it serves wrong. The stream's own checks (digest, announced
      // length) fail as Internal, and only then; a broken connection or a
      // timeout is Unavailable. Kept, such bytes would make the next pull ask
      // for the rest of the wrong content, or for nothing after its end.
      const wrong = isBerthError(e, 'Internal') || (writer.offset >= desc.size && writer.digest() !== desc.digest);
      // Nor on a full disk: kept, the partial blob would keep the disk full
      // and break what already works (containers, other images) until the
      // next pull; the space is worth more than the bytes.
      const useless = writer.offset === 0 || wrong || isDiskFull(e);
      await (useless ? writer.abort() : writer.close()).catch(() => {});
      throw e;
    }
  } catch (e) {
    // A full disk is the user's to fix: say so plainly, not as a bare errno.
    if (isDiskFull(e)) {
      const what = errnoCode(e) === 'ENOSPC' ? 'no space left on device' : 'disk quota exceeded';
      throw failedPrecondition(
        `blob ${desc.digest}`,
        `${what} while downloading (${current} of ${desc.size} bytes; the partial download is removed)`,
      );
    }
    throw e;
  }
}

const isDiskFull = (e: unknown): boolean => errnoCode(e) === 'ENOSPC' || errnoCode(e) === 'EDQUOT';

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
  const writer = await content.writer(`pull-${desc.digest}`, { digest: desc.digest, size: desc.size });
  let current = writer.offset;
  try {
    const body = await client.getBlob(repo, desc.digest, { offset: writer.offset });
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
    // Keep what arrived so a later pull resumes there; a bad digest has already removed it.
    await writer.close().catch(() => {});
    throw e;
  }
}

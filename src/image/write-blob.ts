/**
 * The whole write dance for content that is at hand: a buffer, or a stream
 * read from its start (layers from a tar archive, a manifest just fetched).
 * Resuming belongs to callers that can ask for a byte range; this starts
 * any leftover ingest over.
 */
import type { ContentInfo, ContentStore, ExpectedContent } from './content-store.js';

export async function writeBlob(
  store: ContentStore,
  ref: string,
  source: Uint8Array | AsyncIterable<Uint8Array>,
  expected?: ExpectedContent,
): Promise<ContentInfo> {
  if (expected && (await store.has(expected.digest))) {
    const info = await store.info(expected.digest);
    if (expected.size === undefined || info.size === expected.size) return info;
  }
  let w = await store.writer(ref, expected);
  if (w.offset > 0) {
    await w.abort();
    w = await store.writer(ref, expected);
  }
  try {
    if (source instanceof Uint8Array) {
      await w.write(source);
    } else {
      for await (const chunk of source) await w.write(chunk);
    }
    return await w.commit();
  } catch (e) {
    await w.abort();
    throw e;
  }
}

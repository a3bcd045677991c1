/**
 * The uncompressed form of a stored layer: its digest (the diffID) and
 * size, found by decompressing it once. docker-save archives want layers
 * uncompressed, and a tar header states its size before the data, so a
 * compressed layer is measured first and streamed a second time.
 */
import type { Readable } from 'node:stream';

import type { ContentStore } from '../content-store.js';
import { Digester } from '../digest.js';
import { decompressed } from './decompressed.js';

export interface Uncompressed {
  /** sha256 of the uncompressed tar */
  diffId: string;
  size: number;
}

/** The layer's uncompressed tar stream (the blob itself when it is not compressed). */
export async function openUncompressed(content: ContentStore, digest: string, mediaType: string, context: string): Promise<Readable> {
  return decompressed(await content.read(digest), mediaType, context);
}

export async function measureUncompressed(content: ContentStore, digest: string, mediaType: string, context: string): Promise<Uncompressed> {
  const d = new Digester();
  for await (const chunk of (await openUncompressed(content, digest, mediaType, context)) as AsyncIterable<Buffer>) d.update(chunk);
  return { diffId: d.digest(), size: d.size };
}

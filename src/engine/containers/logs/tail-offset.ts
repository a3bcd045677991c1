import type { ReadableFile } from './line-reader.js';

/**
 * Where the last `count` complete lines of a file begin, found by reading
 * backwards from the end in chunks: the cost is the size of those lines, not
 * of the file (`docker logs --tail 10` on a 100 MiB log reads a few KiB).
 *
 * Bytes after the last "\n" (an entry still being written) are not a line.
 * `found` is how many complete lines there are from `offset`: `count`, or
 * fewer when the file has fewer (then `offset` is 0).
 */
export async function tailOffset(file: ReadableFile, size: number, count: number): Promise<{ offset: number; found: number }> {
  const chunkSize = 64 * 1024;
  const chunk = Buffer.allocUnsafe(chunkSize);
  // The "\n" that ends the last complete line is newline number 1; the
  // lines wanted start just after newline number count + 1.
  let newlines = 0;
  let end = size;
  while (end > 0) {
    const start = Math.max(0, end - chunkSize);
    const { bytesRead } = await file.read(chunk, 0, end - start, start);
    // A file that shrank under us (truncated in place): nothing at the end.
    if (bytesRead === 0) break;
    const data = chunk.subarray(0, bytesRead);
    for (let i = data.lastIndexOf(10); i !== -1; i = i === 0 ? -1 : data.lastIndexOf(10, i - 1)) {
      newlines++;
      if (newlines === count + 1) return { offset: start + i + 1, found: count };
    }
    end = start;
  }
  return { offset: 0, found: newlines };
}

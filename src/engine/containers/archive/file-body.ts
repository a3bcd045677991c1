/**
 * A regular file's data for a tar entry whose header already declared its
 * size. The file may belong to a running container and change while it is
 * read: what grew beyond the declared size is left out, and what shrank is
 * made up with zeros, so the archive stays well-formed either way (a tar
 * whose entry is shorter than its header is unreadable from there on).
 */
import { constants } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

const CHUNK = 1 << 16;

/**
 * Opens a file found by lstat without following a symlink put in its place
 * since, and without blocking on a fifo put there (O_NONBLOCK has no effect
 * on regular files).
 */
export function openRegular(hostPath: string): Promise<FileHandle> {
  return open(hostPath, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
}

export async function* exactly(fh: FileHandle, size: number): AsyncGenerator<Uint8Array, void, undefined> {
  let left = size;
  while (left > 0) {
    // A fresh buffer each time: the writer may still hold the previous one.
    const buf = Buffer.allocUnsafe(Math.min(left, CHUNK));
    const { bytesRead } = await fh.read(buf, 0, buf.length, null);
    if (bytesRead === 0) break;
    left -= bytesRead;
    yield buf.subarray(0, bytesRead);
  }
  while (left > 0) {
    const n = Math.min(left, CHUNK);
    left -= n;
    yield Buffer.alloc(n);
  }
}

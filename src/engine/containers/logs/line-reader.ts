/**
 * Reading a log file forward, one complete line at a time. A line is complete
 * when its "\n" is in the file; what follows the last "\n" is an entry still
 * being written (or a crash's leftover) and is left for a later read.
 */

/** The part of node's FileHandle the readers use; tests wrap it to count reads. */
export interface ReadableFile {
  read(buffer: Buffer, offset: number, length: number, position: number): Promise<{ bytesRead: number }>;
}

export interface Line {
  /** the line without its "\n" */
  bytes: Buffer;
  /** file offset just after the "\n": where reading resumes */
  end: number;
}

const CHUNK = 64 * 1024;

/** Complete lines from `start` to the current end of the file. */
export async function* readLines(file: ReadableFile, start: number): AsyncGenerator<Line> {
  let position = start;
  // Bytes of a line that began in an earlier chunk.
  let carry: Buffer | undefined;
  for (;;) {
    const chunk = Buffer.allocUnsafe(CHUNK);
    const { bytesRead } = await file.read(chunk, 0, CHUNK, position);
    if (bytesRead === 0) return;
    const data = chunk.subarray(0, bytesRead);
    let from = 0;
    for (let nl = data.indexOf(10); nl !== -1; nl = data.indexOf(10, from)) {
      const piece = data.subarray(from, nl);
      const bytes = carry === undefined ? piece : Buffer.concat([carry, piece]);
      carry = undefined;
      from = nl + 1;
      yield { bytes, end: position + from };
    }
    if (from < data.length) {
      const rest = data.subarray(from);
      carry = carry === undefined ? Buffer.from(rest) : Buffer.concat([carry, rest]);
    }
    position += bytesRead;
  }
}

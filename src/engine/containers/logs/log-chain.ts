import { open, readdir, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname } from 'node:path';

import { errnoCode } from '../../../errors.js';

/**
 * The files of one container log: FILE, and FILE.1 … FILE.(N-1) rotated out
 * by the shim (FILE.1 the newest). A file is known by its inode, not its
 * name: a rotation renames every file while a reader holds it open.
 */
export interface LogFile {
  handle: FileHandle;
  ino: bigint;
}

/** FILE.k; k = 0 is FILE itself. */
export const logPathAt = (logPath: string, k: number): string => (k === 0 ? logPath : `${logPath}.${k}`);

/** The k of the FILE.k present, ascending. */
export async function rotatedIndices(logPath: string): Promise<number[]> {
  const prefix = `${basename(logPath)}.`;
  let names: string[];
  try {
    names = await readdir(dirname(logPath));
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return [];
    throw e;
  }
  return names
    .filter((n) => n.startsWith(prefix) && /^[1-9]\d*$/.test(n.slice(prefix.length)))
    .map((n) => Number(n.slice(prefix.length)))
    .sort((a, b) => a - b);
}

/** The inode at `path` now, or undefined when nothing is there. */
export async function inodeAt(path: string): Promise<bigint | undefined> {
  try {
    return (await stat(path, { bigint: true })).ino;
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return undefined;
    throw e;
  }
}

/** Open `path` for reading, or undefined when it is not there (any more). */
export async function openLogFile(path: string): Promise<LogFile | undefined> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return undefined;
    throw e;
  }
  try {
    return { handle, ino: (await handle.stat({ bigint: true })).ino };
  } catch (e) {
    await handle.close();
    throw e;
  }
}

/**
 * Open every file of the log, oldest first. Opening is newest first, so that a
 * rotation in between shows the same inode twice (dropped) rather than hiding
 * one; a rotation seen under way (FILE replaced, a gap in the numbers) makes
 * us start again, as it takes the shim microseconds.
 */
export async function openLogChain(logPath: string): Promise<LogFile[]> {
  for (let attempt = 1; ; attempt++) {
    const indices = [0, ...(await rotatedIndices(logPath))];
    const files: LogFile[] = [];
    let consistent = true;
    for (const k of indices) {
      const file = await openLogFile(logPathAt(logPath, k));
      if (file === undefined) {
        // No FILE and nothing rotated: no log yet, which is consistent.
        if (indices.length > 1) consistent = false;
        continue;
      }
      if (files.some((f) => f.ino === file.ino)) await file.handle.close();
      else files.push(file);
    }
    const head = await inodeAt(logPath);
    if (head !== undefined && head !== files[0]?.ino) consistent = false;
    if (consistent || attempt === 5) return files.reverse();
    await Promise.all(files.map((f) => f.handle.close()));
  }
}

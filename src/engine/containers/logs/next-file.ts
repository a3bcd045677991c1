import { inodeAt, logPathAt, openLogFile, rotatedIndices, type LogFile } from './log-chain.js';

/**
 * What a follower reads after finishing `current`:
 * - `wait`: nothing newer yet (`current` is still FILE, or there is no log);
 * - `next`: the file the shim wrote after `current`, opened;
 * - `retry`: a rotation is under way (names are moving); look again shortly.
 */
export type NextFile = { kind: 'wait' } | { kind: 'next'; file: LogFile } | { kind: 'retry' };

export async function nextLogFile(logPath: string, current: LogFile | undefined): Promise<NextFile> {
  if (current === undefined) return oldestPresent(logPath);
  if ((await inodeAt(logPath)) === current.ino) return { kind: 'wait' };

  // Rotations move a file to a higher number, one step at a time, highest
  // first; scanning upwards finds it even while one is under way.
  const indices = await rotatedIndices(logPath);
  const last = indices.at(-1) ?? 0;
  for (let k = 1; k <= last + 1; k++) {
    if ((await inodeAt(logPathAt(logPath, k))) !== current.ino) continue;
    const file = await openLogFile(logPathAt(logPath, k - 1));
    if (file === undefined) return { kind: 'retry' };
    // If `current` moved on meanwhile, what we opened may not be its successor.
    if ((await inodeAt(logPathAt(logPath, k))) === current.ino) return { kind: 'next', file };
    await file.handle.close();
    return { kind: 'retry' };
  }
  // Not under any name: rotated out while we were behind (it is unlinked),
  // so every file present is newer and the oldest of them comes next.
  if ((await current.handle.stat()).nlink === 0) return oldestPresent(logPath);
  return { kind: 'retry' };
}

async function oldestPresent(logPath: string): Promise<NextFile> {
  const indices = await rotatedIndices(logPath);
  for (const k of [...indices.reverse(), 0]) {
    const file = await openLogFile(logPathAt(logPath, k));
    if (file !== undefined) return { kind: 'next', file };
  }
  return { kind: 'wait' };
}

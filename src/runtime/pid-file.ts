import { rename, writeFile } from 'node:fs/promises';

/** Written whole and renamed into place: a reader (conmon) never sees it half-written. */
export async function writePidFile(file: string, pid: number): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  await writeFile(tmp, String(pid));
  await rename(tmp, file);
}

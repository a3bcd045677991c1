import { randomBytes } from 'node:crypto';
import { open, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { errnoCode, internal } from '../../errors.js';

/**
 * Small JSON documents that a crash never leaves torn: write a temporary
 * sibling, fsync it, rename it over the old one, fsync the directory (the
 * rename itself is durable only once the directory is). A reader sees the
 * old document or the new one, never half of either.
 */
export async function writeJsonAtomic(file: string, value: unknown): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, `${JSON.stringify(value)}\n`, { mode: 0o600 });
    await fsyncPath(tmp);
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
  await fsyncPath(path.dirname(file));
}

export async function fsyncPath(p: string): Promise<void> {
  const fh = await open(p, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** The document, or undefined when the file does not exist; a corrupt one is an Internal error naming it. */
export async function readJson<T>(file: string): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return undefined;
    throw e;
  }
  try {
    return JSON.parse(text) as T;
  } catch (e) {
    throw internal(file, `corrupt JSON: ${(e as Error).message}`);
  }
}

import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { errnoCode } from '../errors.js';

/** A stable identity for this engine (docker info's ID), made once and kept in the root. */
export async function engineId(root: string): Promise<string> {
  const file = path.join(root, 'engine-id');
  try {
    return (await readFile(file, 'utf8')).trim();
  } catch (e) {
    if (errnoCode(e) !== 'ENOENT') throw e;
  }
  try {
    await writeFile(file, `${randomUUID()}\n`, { flag: 'wx', mode: 0o644 });
  } catch (e) {
    if (errnoCode(e) !== 'EEXIST') throw e; // another start won the race: read its id
  }
  return (await readFile(file, 'utf8')).trim();
}

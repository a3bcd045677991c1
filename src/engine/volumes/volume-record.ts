/**
 * What berth keeps about a volume, in `<root>/volumes/<name>/volume.json`
 * beside its `_data` directory. Written last on creation and atomically,
 * so a directory without a readable volume.json is a creation that never
 * finished, not a volume.
 */
import { readFile } from 'node:fs/promises';

import { errnoCode, internal, isBerthError } from '../../errors.js';
import { expectBoolean, expectObject, expectString, expectStringMap, optional, required } from '../../oci/json-check.js';

export interface VolumeRecord {
  name: string;
  driver: 'local';
  /** ISO 8601 */
  createdAt: string;
  labels: Record<string, string>;
  /** DriverOpts as given */
  options: Record<string, string>;
  /** the image's content at the mount point was copied in (populateFromImage) */
  populated: boolean;
}

export const RECORD_FILE = 'volume.json';

export function parseVolumeRecord(v: unknown): VolumeRecord {
  const o = expectObject(v, '');
  const version = required(o, 'version', '', (x) => x);
  if (version !== 1) throw new Error(`unknown version ${JSON.stringify(version)}`);
  const driver = required(o, 'driver', '', expectString);
  if (driver !== 'local') throw new Error(`unknown driver ${JSON.stringify(driver)}`);
  return {
    name: required(o, 'name', '', expectString),
    driver,
    createdAt: required(o, 'createdAt', '', expectString),
    labels: { ...(optional(o, 'labels', '', expectStringMap) ?? {}) },
    options: { ...(optional(o, 'options', '', expectStringMap) ?? {}) },
    populated: optional(o, 'populated', '', expectBoolean) ?? false,
  };
}

export const serializeVolumeRecord = (r: VolumeRecord): unknown => ({ version: 1, ...r });

/** The record in `file`, or undefined when there is none (no volume, or one still being created). */
export async function readVolumeRecord(file: string): Promise<VolumeRecord | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = errnoCode(e);
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw e;
  }
  try {
    return parseVolumeRecord(JSON.parse(text) as unknown);
  } catch (e) {
    const why = isBerthError(e) || e instanceof Error ? e.message : String(e);
    throw internal(file, `unreadable volume record: ${why}`, e);
  }
}

/**
 * POSIX pax extended header records: `"<len> <key>=<value>\n"`, where len
 * counts the whole record in bytes. Values stay bytes: SCHILY.xattr.* values
 * are binary (security.capability is a struct), the others are UTF-8.
 */
import { HeaderError } from './tar-header.js';

export type PaxRecords = Map<string, Buffer>;

export function parsePax(data: Buffer): PaxRecords {
  const records: PaxRecords = new Map();
  let pos = 0;
  while (pos < data.length) {
    // Some writers pad the block with NULs after the last record.
    if (data[pos] === 0) break;
    const space = data.indexOf(0x20, pos);
    if (space === -1 || space - pos > 20) throw new HeaderError('malformed pax record: no length');
    const lenText = data.subarray(pos, space).toString('latin1');
    if (!/^[0-9]+$/.test(lenText)) throw new HeaderError('malformed pax record length');
    const len = parseInt(lenText, 10);
    const end = pos + len;
    if (len <= space - pos + 1 || end > data.length || data[end - 1] !== 0x0a) {
      throw new HeaderError('malformed pax record: bad length');
    }
    const record = data.subarray(space + 1, end - 1);
    const eq = record.indexOf(0x3d);
    if (eq <= 0) throw new HeaderError('malformed pax record: no key');
    records.set(record.subarray(0, eq).toString('utf8'), Buffer.from(record.subarray(eq + 1)));
    pos = end;
  }
  return records;
}

/** A pax decimal time: seconds with an optional fraction, possibly negative. */
export function parsePaxTime(v: Buffer, key: string): number {
  const s = v.toString('latin1');
  if (!/^-?[0-9]+(\.[0-9]*)?$/.test(s)) throw new HeaderError(`malformed pax ${key}: ${JSON.stringify(s)}`);
  return Number(s);
}

/** A pax decimal integer (size, uid, gid). */
export function parsePaxInt(v: Buffer, key: string): number {
  const s = v.toString('latin1');
  const n = Number(s);
  if (!/^[0-9]+$/.test(s) || !Number.isSafeInteger(n)) throw new HeaderError(`malformed pax ${key}: ${JSON.stringify(s)}`);
  return n;
}

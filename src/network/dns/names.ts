import { invalidArgument } from '../../errors.js';
import { WireReader, WireWriter } from './wire.js';

/**
 * Domain names in presentation form: labels joined by dots, no trailing dot,
 * the root is "". A dot or backslash inside a label is written `\.` / `\\`
 * and any other unprintable byte `\DDD` (RFC 1035 §5.1), so every name read
 * off the wire can be written back unchanged.
 */

const MAX_LABEL = 63;
/** RFC 1035 §2.3.4: 255 bytes on the wire, counting length bytes and the root. */
const MAX_NAME_WIRE = 255;

/** The form names are compared in: ASCII case folded, one trailing dot dropped. */
export function canonicalName(name: string): string {
  const lower = name.replace(/[A-Z]/g, (c) => c.toLowerCase());
  return hasTrailingDot(lower) ? lower.slice(0, -1) : lower;
}

/** A final dot that is not itself escaped: in `a\.` the dot belongs to the label, in `a\\.` it ends the name. */
function hasTrailingDot(name: string): boolean {
  if (!name.endsWith('.')) return false;
  let backslashes = 0;
  for (let i = name.length - 2; i >= 0 && name[i] === '\\'; i--) backslashes++;
  return backslashes % 2 === 0;
}

/** Reads a possibly compressed name. The reader ends up just after the name as stored at its position. */
export function readName(r: WireReader): string {
  const buf = r.buf;
  const labels: string[] = [];
  let pos = r.offset;
  let resume = -1;
  // Every pointer must jump strictly before the previous jump target: real
  // compression only ever points back at names written earlier, and this
  // rule makes a pointer loop impossible rather than merely bounded.
  let limit = pos;
  let wire = 1;
  for (;;) {
    const len = buf[pos];
    if (len === undefined) throw invalidArgument('dns name', `truncated at offset ${pos}`);
    if ((len & 0xc0) === 0xc0) {
      const low = buf[pos + 1];
      if (low === undefined) throw invalidArgument('dns name', `truncated at offset ${pos}`);
      const target = ((len & 0x3f) << 8) | low;
      if (target >= limit) throw invalidArgument('dns name', `compression pointer at offset ${pos} does not point backwards`);
      if (resume < 0) resume = pos + 2;
      limit = target;
      pos = target;
      continue;
    }
    if (len & 0xc0) throw invalidArgument('dns name', `unsupported label type 0x${len.toString(16)} at offset ${pos}`);
    pos += 1;
    if (len === 0) break;
    if (pos + len > buf.length) throw invalidArgument('dns name', `truncated at offset ${pos}`);
    wire += len + 1;
    if (wire > MAX_NAME_WIRE) throw invalidArgument('dns name', `longer than ${MAX_NAME_WIRE} bytes`);
    labels.push(escapeLabel(buf.subarray(pos, pos + len)));
    pos += len;
  }
  r.offset = resume >= 0 ? resume : pos;
  return labels.join('.');
}

/**
 * Writes a name, pointing back at an earlier copy of its longest known
 * suffix when `compression` is given. Keys are case-exact so a pointer
 * never changes the case a client asked in (resolvers using 0x20 check it).
 */
export function writeName(w: WireWriter, name: string, compression?: Map<string, number>): void {
  const labels = nameToLabels(name);
  for (let i = 0; i < labels.length; i++) {
    const key = labels.slice(i).map(escapeLabel).join('.');
    const at = compression?.get(key);
    if (at !== undefined) {
      w.u16(0xc000 | at);
      return;
    }
    // A pointer has 14 bits of offset; later names are simply not compressible.
    if (compression && w.length < 0x4000) compression.set(key, w.length);
    const label = labels[i] as Buffer;
    w.u8(label.length);
    w.bytes(label);
  }
  w.u8(0);
}

/** Splits and unescapes a name; throws InvalidArgument for empty or oversized labels. */
export function nameToLabels(name: string): Buffer[] {
  const text = hasTrailingDot(name) ? name.slice(0, -1) : name;
  if (text === '') return [];
  const labels: Buffer[] = [];
  let current: number[] = [];
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2e) {
      labels.push(finishLabel(name, current));
      current = [];
    } else if (c === 0x5c) {
      const digits = /^[0-9]{3}/.exec(text.slice(i + 1));
      const next = text.charCodeAt(i + 1);
      if (digits && Number(digits[0]) <= 255) {
        current.push(Number(digits[0]));
        i += 3;
      } else if (!Number.isNaN(next)) {
        current.push(next);
        i += 1;
      } else {
        throw invalidArgument(`dns name "${name}"`, 'ends in a lone backslash');
      }
    } else if (c > 0xff) {
      throw invalidArgument(`dns name "${name}"`, 'has a character outside latin-1');
    } else {
      current.push(c);
    }
  }
  labels.push(finishLabel(name, current));
  const wire = labels.reduce((n, l) => n + l.length + 1, 1);
  if (wire > MAX_NAME_WIRE) throw invalidArgument(`dns name "${name}"`, `longer than ${MAX_NAME_WIRE} bytes`);
  return labels;
}

function finishLabel(name: string, bytes: number[]): Buffer {
  if (bytes.length === 0) throw invalidArgument(`dns name "${name}"`, 'has an empty label');
  if (bytes.length > MAX_LABEL) throw invalidArgument(`dns name "${name}"`, `has a label longer than ${MAX_LABEL} bytes`);
  return Buffer.from(bytes);
}

function escapeLabel(label: Uint8Array): string {
  let out = '';
  for (const b of label) {
    if (b === 0x2e || b === 0x5c) out += `\\${String.fromCharCode(b)}`;
    else if (b > 0x20 && b < 0x7f) out += String.fromCharCode(b);
    else out += `\\${b.toString().padStart(3, '0')}`;
  }
  return out;
}

/**
 * Sizes and CPU amounts typed on the command line, read as the docker CLI
 * reads them (go-units RAMInBytes: binary, "512m", "1.5g", "64MiB"), with
 * its error messages.
 */
const UNITS: Record<string, number> = { k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4, p: 1024 ** 5 };

/** go-units RAMInBytes. Throws docker's "invalid size" / "invalid suffix" messages. */
export function ramInBytes(s: string): number {
  const sep = Math.max(...[...'0123456789. '].map((c) => s.lastIndexOf(c)));
  if (sep === -1) throw new Error(`invalid size: '${s}'`);
  const num = s[sep] === ' ' ? s.slice(0, sep) : s.slice(0, sep + 1);
  let sfx = s.slice(sep + 1);
  if (!/^\s*[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?\s*$/.test(num)) throw new Error(`strconv.ParseFloat: parsing "${num}": invalid syntax`);
  let size = Number(num);
  if (size < 0) throw new Error(`invalid size: '${s}'`);
  if (sfx === '') return Math.trunc(size);
  const bad = () => new Error(`invalid suffix: '${sfx}'`);
  if (sfx.length > 3) throw bad();
  sfx = sfx.toLowerCase();
  if (sfx[0] === 'b') {
    if (sfx.length > 1) throw bad();
    return Math.trunc(size);
  }
  const mul = UNITS[sfx[0] as string];
  if (mul === undefined) throw bad();
  size *= mul;
  if ((sfx.length === 2 && sfx[1] !== 'b') || (sfx.length === 3 && sfx.slice(1) !== 'ib')) throw bad();
  return Math.trunc(size);
}

/** `--cpus 1.5` → 1500000000 NanoCpus; docker parses it as a rational number. */
export function nanoCpus(s: string): number {
  if (!/^\s*(\d+\.?\d*|\.\d+)\s*$/.test(s)) throw new Error(`failed to parse ${s} as a rational number`);
  const [whole = '0', frac = ''] = s.trim().split('.');
  if (frac.length > 9) throw new Error('value is too precise');
  return Number(whole) * 1e9 + Number(frac.padEnd(9, '0'));
}

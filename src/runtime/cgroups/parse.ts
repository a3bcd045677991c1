/**
 * Parsers for the shapes of cgroup stat files. Numbers become JS numbers: the
 * counters berth reports stay far below 2^53; only "unlimited" sentinels get
 * near 2^63, and those are recognised before precision matters.
 */

/** A single number ("123\n"); NaN-free: anything else is 0. */
export function parseNumber(text: string | null): number {
  if (text === null) return 0;
  const n = Number(text.trim());
  return Number.isFinite(n) ? n : 0;
}

/** v2 "max" or a number ("max" -> null). A missing file is also null. */
export function parseMax(text: string | null): number | null {
  if (text === null) return null;
  const t = text.trim();
  if (t === 'max' || t === '') return null;
  const n = Number(t.split(' ')[0]);
  return Number.isFinite(n) ? n : null;
}

/**
 * v1 limits have no "max": unlimited reads back as the largest page-aligned
 * signed 64-bit value (9223372036854771712 with 4 KiB pages). Anything at or
 * above 2^62 is treated as unlimited (null).
 */
export function parseV1Limit(text: string | null): number | null {
  if (text === null) return null;
  const t = text.trim();
  if (t === '' || t === 'max') return null;
  const n = Number(t);
  if (!Number.isFinite(n) || n >= 2 ** 62) return null;
  return n;
}

/** Flat keyed files ("key value" per line): cpu.stat, memory.stat, memory.events, cpuacct.stat, memory.oom_control. */
export function parseFlatKeyed(text: string | null): Map<string, number> {
  const out = new Map<string, number>();
  if (text === null) return out;
  for (const line of text.split('\n')) {
    const [key, value] = line.trim().split(/\s+/);
    if (key === undefined || key === '' || value === undefined) continue;
    const n = Number(value);
    if (Number.isFinite(n)) out.set(key, n);
  }
  return out;
}

/** Nested keyed files ("8:0 rbytes=1 wbytes=2 ..." per line): v2 io.stat. */
export function parseNestedKeyed(text: string | null): { key: string; values: Map<string, number> }[] {
  const out: { key: string; values: Map<string, number> }[] = [];
  if (text === null) return out;
  for (const line of text.split('\n')) {
    const [key, ...pairs] = line.trim().split(/\s+/);
    if (key === undefined || key === '') continue;
    const values = new Map<string, number>();
    for (const pair of pairs) {
      const eq = pair.indexOf('=');
      if (eq <= 0) continue;
      const n = Number(pair.slice(eq + 1));
      if (Number.isFinite(n)) values.set(pair.slice(0, eq), n);
    }
    out.push({ key, values });
  }
  return out;
}

/**
 * v1 blkio stat files ("8:0 Read 4096" per line, ending with "Total N"):
 * the sums per operation over all devices ("Read", "Write", "Sync", ...).
 */
export function parseBlkioStat(text: string | null): Map<string, number> {
  const sums = new Map<string, number>();
  if (text === null) return sums;
  for (const line of text.split('\n')) {
    const fields = line.trim().split(/\s+/);
    if (fields.length !== 3) continue; // skips the final "Total N" and blank lines
    const [, op, value] = fields;
    if (op === undefined || value === undefined) continue;
    const n = Number(value);
    if (Number.isFinite(n)) sums.set(op, (sums.get(op) ?? 0) + n);
  }
  return sums;
}

/** cgroup.procs / tasks: one pid per line. */
export function parsePids(text: string | null): number[] {
  if (text === null) return [];
  const out: number[] = [];
  for (const line of text.split('\n')) {
    const t = line.trim();
    if (t === '') continue;
    const n = Number(t);
    if (Number.isInteger(n) && n > 0) out.push(n);
  }
  return out;
}

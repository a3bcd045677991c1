/**
 * The functions a `--format` template can call: Go's builtins (len, index,
 * eq, printf, …) and docker's additions (json, join, split, lower, upper,
 * title, pad, truncate); and Go's way of printing a value (`%v`).
 */
import { TemplateError } from './template-parse.js';

export type TemplateFunc = (...args: unknown[]) => unknown;

/** Go's %v of a value decoded from JSON: maps sorted by key, slices in brackets, null as <nil>. */
export function goString(v: unknown): string {
  if (v === undefined) return '<no value>';
  if (v === null) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goString).join(' ')}]`;
  if (typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>).filter(([, x]) => typeof x !== 'function');
    return `map[${entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, x]) => `${k}:${goString(x)}`).join(' ')}]`;
  }
  return String(v);
}

/** Go's truth: false, 0, "", nil and empty collections are false. */
export function truth(v: unknown): boolean {
  if (v === undefined || v === null || v === false || v === 0 || v === '') return false;
  if (Array.isArray(v)) return v.length > 0;
  if (typeof v === 'object') return Object.keys(v).length > 0;
  return true;
}

const text = (v: unknown): string => (typeof v === 'string' ? v : goString(v));

function index(v: unknown, ...keys: unknown[]): unknown {
  let cur = v;
  for (const k of keys) {
    if (cur === null || cur === undefined) throw new TemplateError(`error calling index: index of untyped nil`);
    if (Array.isArray(cur) || typeof cur === 'string') {
      const n = Number(k);
      if (!Number.isInteger(n) || n < 0 || n >= cur.length) throw new TemplateError(`error calling index: index out of range: ${String(k)}`);
      cur = cur[n];
    } else if (typeof cur === 'object') {
      cur = (cur as Record<string, unknown>)[String(k)];
    } else {
      throw new TemplateError(`error calling index: can't index item of type ${typeof cur}`);
    }
  }
  return cur;
}

function length(v: unknown): number {
  if (typeof v === 'string' || Array.isArray(v)) return v.length;
  if (typeof v === 'object' && v !== null) return Object.keys(v).length;
  throw new TemplateError(`error calling len: len of type ${v === null ? 'nil' : typeof v}`);
}

/** Go's Sprint: a space between operands when neither is a string. */
function sprint(args: unknown[]): string {
  let s = '';
  args.forEach((a, i) => {
    if (i > 0 && typeof a !== 'string' && typeof args[i - 1] !== 'string') s += ' ';
    s += text(a);
  });
  return s;
}

/** Go's Sprintf for the verbs people use: %s %v %d %q %t %x %f %e %g %%, with width, precision and - 0 + flags. */
export function sprintf(format: string, ...args: unknown[]): string {
  let n = 0;
  return format.replace(/%([-+ 0#]*)(\d+)?(?:\.(\d+))?([a-zA-Z%])/g, (_m, flags: string, width: string | undefined, prec: string | undefined, verb: string) => {
    if (verb === '%') return '%';
    if (n >= args.length) return `%!${verb}(MISSING)`;
    const a = args[n++];
    let s: string;
    switch (verb) {
      case 'd':
        s = typeof a === 'number' ? Math.trunc(a).toString() : `%!d(${text(a)})`;
        if (flags.includes('+') && typeof a === 'number' && a >= 0) s = `+${s}`;
        break;
      case 'q':
        s = JSON.stringify(text(a));
        break;
      case 'x':
      case 'X':
        s = typeof a === 'number' ? a.toString(16) : Buffer.from(text(a)).toString('hex');
        if (verb === 'X') s = s.toUpperCase();
        break;
      case 'f':
      case 'e':
      case 'g': {
        const x = Number(a);
        const p = prec === undefined ? undefined : Number(prec);
        s = verb === 'f' ? x.toFixed(p ?? 6) : verb === 'e' ? x.toExponential(p ?? 6) : p === undefined ? String(x) : String(Number(x.toPrecision(p)));
        break;
      }
      default:
        s = text(a);
        if (prec !== undefined && (verb === 's' || verb === 'v')) s = s.slice(0, Number(prec));
    }
    const w = width === undefined ? 0 : Number(width);
    if (s.length >= w) return s;
    if (flags.includes('-')) return s.padEnd(w);
    return flags.includes('0') && /^[dfexXg]$/.test(verb) ? s.padStart(w, '0') : s.padStart(w);
  });
}

const eq = (a: unknown, ...bs: unknown[]): boolean => bs.some((b) => a === b);
const cmp = (name: string, f: (a: number | string, b: number | string) => boolean) => (a: unknown, b: unknown) => {
  if (typeof a !== typeof b || (typeof a !== 'number' && typeof a !== 'string')) throw new TemplateError(`error calling ${name}: incompatible types for comparison`);
  return f(a as number | string, b as number | string);
};

export const FUNCS: Record<string, TemplateFunc> = {
  // docker's
  json: (v) => JSON.stringify(v ?? null),
  join: (list, sep) => (Array.isArray(list) ? list.map(text).join(text(sep)) : text(list)),
  split: (s, sep) => text(s).split(text(sep)),
  lower: (s) => text(s).toLowerCase(),
  upper: (s) => text(s).toUpperCase(),
  title: (s) => text(s).replace(/(^|[^\p{L}\p{N}'])(\p{L})/gu, (_m, pre: string, c: string) => pre + c.toUpperCase()),
  pad: (s, prefix, suffix) => (text(s) === '' ? '' : ' '.repeat(Number(prefix)) + text(s) + ' '.repeat(Number(suffix))),
  truncate: (s, n) => text(s).slice(0, Number(n)),
  // Go's
  len: length,
  index,
  slice: (v, i, j) => (Array.isArray(v) || typeof v === 'string' ? v.slice(Number(i ?? 0), j === undefined ? undefined : Number(j)) : v),
  print: (...args) => sprint(args),
  println: (...args) => `${args.map(text).join(' ')}\n`,
  printf: (format, ...args) => sprintf(text(format), ...args),
  not: (v) => !truth(v),
  and: (...args) => args.find((a) => !truth(a)) ?? args.at(-1),
  or: (...args) => args.find((a) => truth(a)) ?? args.at(-1),
  eq,
  ne: (a, b) => a !== b,
  lt: cmp('lt', (a, b) => a < b),
  le: cmp('le', (a, b) => a <= b),
  gt: cmp('gt', (a, b) => a > b),
  ge: cmp('ge', (a, b) => a >= b),
  urlquery: (...args) => encodeURIComponent(sprint(args)),
};

/** For a table's header row, docker's functions hand their argument back: `{{json .Labels}}` heads "LABELS". */
export const HEADER_FUNCS: Record<string, TemplateFunc> = Object.fromEntries(
  ['json', 'join', 'split', 'lower', 'upper', 'title', 'pad', 'truncate'].map((n) => [n, (v: unknown) => v]),
);

/**
 * Options of HostConfig that docker's CLI checks and reshapes before
 * sending: ulimits, restart policy, capabilities, security options (a
 * seccomp profile file is read and sent inline), devices and their I/O
 * throttles, extra hosts.
 */
import { readFileSync } from 'node:fs';

import { goError } from './go-errors.js';
import { ramInBytes } from './sizes.js';

export interface Ulimit {
  Name: string;
  Hard: number;
  Soft: number;
}

const ULIMITS = new Set(['core', 'cpu', 'data', 'fsize', 'locks', 'memlock', 'msgqueue', 'nice', 'nofile', 'nproc', 'rss', 'rtprio', 'rttime', 'sigpending', 'stack']);

const parseInt64 = (s: string): number => {
  if (!/^[+-]?\d+$/.test(s)) throw new Error(`strconv.ParseInt: parsing "${s}": invalid syntax`);
  return Number(s);
};

/** go-units ParseUlimit: "nofile=1024[:2048]". */
export function parseUlimit(spec: string): Ulimit {
  const eq = spec.indexOf('=');
  if (eq < 0) throw new Error(`invalid ulimit argument: ${spec}`);
  const name = spec.slice(0, eq);
  if (!ULIMITS.has(name)) throw new Error(`invalid ulimit type: ${name}`);
  const values = spec.slice(eq + 1).split(':');
  if (values.length > 2) throw new Error(`too many limit value arguments - ${spec.slice(eq + 1)}, can only have up to two, \`soft[:hard]\``);
  const hard = values.length === 2 ? parseInt64(values[1] as string) : undefined;
  const soft = parseInt64(values[0] as string);
  const h = hard ?? soft;
  if (h !== -1 && soft > h) throw new Error(`ulimit soft limit must be less than or equal to hard limit: ${soft} > ${h}`);
  return { Name: name, Hard: h, Soft: soft };
}

/** "on-failure:3" → {Name: "on-failure", MaximumRetryCount: 3}. */
export function parseRestartPolicy(policy: string): { Name: string; MaximumRetryCount: number } {
  if (policy === '') return { Name: '', MaximumRetryCount: 0 };
  const colon = policy.indexOf(':');
  const name = colon < 0 ? policy : policy.slice(0, colon);
  const count = colon < 0 ? '' : policy.slice(colon + 1);
  if (colon === 0) throw new Error('invalid restart policy format: no policy provided before colon');
  if (count !== '' && !/^[+-]?\d+$/.test(count)) throw new Error('invalid restart policy format: maximum retry count must be an integer');
  return { Name: name, MaximumRetryCount: count === '' ? 0 : Number(count) };
}

/** docker's EffectiveCapAddCapDrop: upper case, a CAP_ prefix, ALL trumping the rest, an add cancelling a drop, sorted. */
export function capabilities(add: string[], drop: string[]): { CapAdd: string[] | null; CapDrop: string[] | null } {
  if (add.length === 0 && drop.length === 0) return { CapAdd: null, CapDrop: null };
  const norm = (list: string[]) => {
    const set = new Set(list.map((c) => c.trim().toUpperCase()).filter(Boolean).map((c) => (c === 'ALL' || c.startsWith('CAP_') ? c : `CAP_${c}`)));
    return set.has('ALL') ? new Set(['ALL']) : set;
  };
  const a = norm(add);
  const d = norm(drop);
  for (const c of a) d.delete(c);
  return { CapAdd: a.size > 0 ? [...a].sort() : null, CapDrop: d.size > 0 ? [...d].sort() : null };
}

/** `--security-opt`: checked as docker does; `seccomp=FILE` becomes `seccomp=<the file's JSON, compacted>`. */
export function securityOpts(opts: string[]): string[] | null {
  if (opts.length === 0) return null;
  return opts.map((opt) => {
    let [k, v] = splitOnce(opt, '=');
    if (v === undefined && k !== 'no-new-privileges') [k, v] = splitOnce(opt, ':');
    if ((v === undefined || v === '') && k !== 'no-new-privileges') throw new Error(`Invalid --security-opt: ${JSON.stringify(opt)}`);
    if (k !== 'seccomp' || v === 'unconfined' || v === 'builtin' || v === undefined) return opt;
    let text: string;
    try {
      text = readFileSync(v, 'utf8');
    } catch (e) {
      throw new Error(`opening seccomp profile (${v}) failed: ${goError('open', v, e)}`);
    }
    try {
      JSON.parse(text);
    } catch (e) {
      throw new Error(`compacting json for seccomp profile (${v}) failed: ${(e as Error).message}`);
    }
    return `seccomp=${compactJson(text)}`;
  });
}

function splitOnce(s: string, sep: string): [string, string | undefined] {
  const i = s.indexOf(sep);
  return i < 0 ? [s, undefined] : [s.slice(0, i), s.slice(i + 1)];
}

/** Go's json.Compact: whitespace outside strings removed, everything else byte for byte. */
export function compactJson(text: string): string {
  let out = '';
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i] as string;
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inString = false;
    } else if (c === '"') {
      inString = true;
      out += c;
    } else if (!/\s/.test(c)) {
      out += c;
    }
  }
  return out;
}

const RATE_FORMAT = 'The correct format is <device-path>:<number>[<unit>]. Number must be a positive integer. Unit is optional and can be kb, mb, or gb';

/** `--device-read-bps /dev/sda:1mb` → {Path, Rate}; `iops` for the *-iops flags (a plain number). */
export function throttleDevice(spec: string, iops = false): { Path: string; Rate: number } {
  const colon = spec.indexOf(':');
  const dev = colon < 0 ? '' : spec.slice(0, colon);
  if (dev === '') throw new Error(`bad format: ${spec}`);
  if (!dev.startsWith('/dev/')) throw new Error(`bad format for device path: ${spec}`);
  const value = spec.slice(colon + 1);
  let rate: number;
  try {
    if (iops && !/^\d+$/.test(value)) throw new Error('not a number');
    rate = iops ? Number(value) : ramInBytes(value);
  } catch {
    throw new Error(`invalid rate for device: ${spec}. ${iops ? 'The correct format is <device-path>:<number>. Number must be a positive integer' : RATE_FORMAT}`);
  }
  return { Path: dev, Rate: rate };
}

/** `--device /dev/fuse[:/dev/fuse[:rwm]]`. */
export function parseDevice(spec: string): { PathOnHost: string; PathInContainer: string; CgroupPermissions: string } {
  const parts = spec.split(':');
  const host = parts[0] ?? '';
  let inContainer = host;
  let perms = 'rwm';
  if (parts.length === 2) {
    if (/^[rwm]+$/.test(parts[1] as string)) perms = parts[1] as string;
    else inContainer = parts[1] as string;
  } else if (parts.length === 3) {
    inContainer = parts[1] as string;
    perms = parts[2] as string;
  } else if (parts.length > 3) {
    throw new Error(`invalid device specification: ${spec}`);
  }
  if (!/^[rwm]+$/.test(perms)) throw new Error(`invalid device mode: ${perms}`);
  return { PathOnHost: host, PathInContainer: inContainer, CgroupPermissions: perms };
}

/** `--add-host name:ip` (or `name=ip`), sent as "name:ip". */
export function extraHost(spec: string): string {
  const m = /^([^:=]+)[:=](.+)$/.exec(spec);
  if (!m) throw new Error(`bad format for add-host: ${JSON.stringify(spec)}`);
  return `${m[1]}:${(m[2] as string).replace(/^\[(.*)\]$/, '$1')}`;
}

/** Go's time.ParseDuration, in nanoseconds: "30s", "1m30s", "500ms". */
export function goDuration(s: string): number {
  const re = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/gy;
  const unit: Record<string, number> = { ns: 1, us: 1e3, µs: 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };
  if (s === '0') return 0;
  let total = 0;
  let pos = 0;
  for (let m = re.exec(s); m; m = re.exec(s)) {
    total += Number(m[1]) * (unit[m[2] as string] as number);
    pos = re.lastIndex;
  }
  if (/^[0-9.]+$/.test(s)) throw new Error(`time: missing unit in duration "${s}"`);
  if (pos !== s.length || s === '') throw new Error(`time: invalid duration "${s}"`);
  return Math.round(total);
}

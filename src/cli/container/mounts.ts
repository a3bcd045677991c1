/**
 * `-v`, `--mount` and `--tmpfs`, turned into what the docker CLI sends:
 * `-v` specs with a source go to HostConfig.Binds (a relative `./dir`
 * made absolute), a bare `-v /path` to Config.Volumes; `--mount` fields
 * become HostConfig.Mounts entries; `--tmpfs /run:size=10m` becomes
 * HostConfig.Tmpfs.
 */
import path from 'node:path';

import { ramInBytes } from './sizes.js';

export interface MountSpec {
  Type: string;
  Source?: string;
  Target: string;
  ReadOnly?: boolean;
  Consistency?: string;
  BindOptions?: { Propagation?: string; NonRecursive?: boolean };
  VolumeOptions?: { NoCopy?: boolean; Labels?: Record<string, string>; DriverConfig: { Name?: string; Options?: Record<string, string> }; Subpath?: string };
  TmpfsOptions?: { SizeBytes?: number; Mode?: number };
}

export function parseVolumes(specs: string[]): { binds: string[]; volumes: Record<string, Record<string, never>> } {
  const binds: string[] = [];
  const volumes: Record<string, Record<string, never>> = {};
  for (const spec of specs) {
    const parts = spec.split(':');
    if (spec === '') throw new Error('invalid empty volume spec');
    if (parts.some((p) => p === '')) throw new Error(`invalid spec: ${spec}: empty section between colons`);
    if (parts.length > 3) throw new Error(`invalid spec: ${spec}: too many colons`);
    // One part is a target alone: an anonymous volume. Anything else has a source: a bind or a named volume.
    if (parts.length === 1) {
      volumes[spec] = {};
      continue;
    }
    const host = parts[0] as string;
    binds.push(host.startsWith('.') ? `${path.resolve(host)}:${parts.slice(1).join(':')}` : spec);
  }
  return { binds, volumes };
}

/** Docker's CSV: fields split on commas, a field in double quotes may hold one. */
function csvFields(s: string): string[] {
  const out: string[] = [];
  let cur = '';
  let quoted = false;
  for (const c of s) {
    if (c === '"') quoted = !quoted;
    else if (c === ',' && !quoted) {
      out.push(cur);
      cur = '';
    } else cur += c;
  }
  out.push(cur);
  return out;
}

const boolValue = (key: string, v: string | undefined): boolean => {
  if (v === undefined || ['1', 'true'].includes(v.toLowerCase())) return true;
  if (['0', 'false'].includes(v.toLowerCase())) return false;
  throw new Error(`invalid value for ${key}: ${v}`);
};

export function parseMount(spec: string): MountSpec {
  const m: MountSpec = { Type: 'volume', Target: '' };
  const volume = () => (m.VolumeOptions ??= { DriverConfig: {} });
  for (const field of csvFields(spec)) {
    const eq = field.indexOf('=');
    const key = (eq < 0 ? field : field.slice(0, eq)).trim().toLowerCase();
    const value = eq < 0 ? undefined : field.slice(eq + 1);
    if (value === undefined && !['readonly', 'ro', 'volume-nocopy', 'bind-nonrecursive'].includes(key)) throw new Error(`invalid field '${field}' must be a key=value pair`);
    const v = value ?? '';
    switch (key) {
      case 'type':
        m.Type = v.toLowerCase();
        break;
      case 'source':
      case 'src':
        m.Source = v;
        break;
      case 'target':
      case 'dst':
      case 'destination':
        m.Target = v;
        break;
      case 'readonly':
      case 'ro':
        if (boolValue(key, value)) m.ReadOnly = true;
        break;
      case 'consistency':
        m.Consistency = v;
        break;
      case 'bind-propagation':
        m.BindOptions = { ...m.BindOptions, Propagation: v.toLowerCase() };
        break;
      case 'bind-nonrecursive':
        m.BindOptions = { ...m.BindOptions, NonRecursive: boolValue(key, value) };
        break;
      case 'volume-nocopy':
        volume().NoCopy = boolValue(key, value);
        break;
      case 'volume-subpath':
        volume().Subpath = v;
        break;
      case 'volume-label': {
        const [k = '', val = ''] = v.split(/=(.*)/s);
        volume().Labels = { ...volume().Labels, [k]: val };
        break;
      }
      case 'volume-driver':
        volume().DriverConfig.Name = v;
        break;
      case 'volume-opt': {
        const [k = '', val = ''] = v.split(/=(.*)/s);
        volume().DriverConfig.Options = { ...volume().DriverConfig.Options, [k]: val };
        break;
      }
      case 'tmpfs-size':
        m.TmpfsOptions = { ...m.TmpfsOptions, SizeBytes: ramInBytes(v) };
        break;
      case 'tmpfs-mode': {
        if (!/^[0-7]+$/.test(v)) throw new Error(`invalid value for ${key}: ${v}`);
        m.TmpfsOptions = { ...m.TmpfsOptions, Mode: parseInt(v, 8) };
        break;
      }
      default:
        throw new Error(`unexpected key '${key}' in '${field}'`);
    }
  }
  if (m.Target === '') throw new Error('target is required');
  if (m.VolumeOptions && m.Type !== 'volume') throw new Error(`cannot mix 'volume-*' options with mount type '${m.Type}'`);
  if (m.BindOptions && m.Type !== 'bind') throw new Error(`cannot mix 'bind-*' options with mount type '${m.Type}'`);
  if (m.TmpfsOptions && m.Type !== 'tmpfs') throw new Error(`cannot mix 'tmpfs-*' options with mount type '${m.Type}'`);
  return m;
}

/** `--tmpfs /run:size=10m` → {"/run": "size=10m"}. */
export function parseTmpfs(specs: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const s of specs) {
    const colon = s.indexOf(':');
    out[colon < 0 ? s : s.slice(0, colon)] = colon < 0 ? '' : s.slice(colon + 1);
  }
  return out;
}

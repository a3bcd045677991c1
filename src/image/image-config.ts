/**
 * The image configuration blob (OCI image-spec "config", Docker's
 * container.image.v1): what to run by default, for which platform, and the
 * uncompressed digests of the layers (rootfs.diff_ids). Docker's extra
 * fields (Healthcheck, OnBuild, Shell) are kept; its legacy ones
 * (container_config, docker_version) are dropped.
 */
import { invalidArgument } from '../errors.js';
import {
  at,
  expectArray,
  expectBoolean,
  expectInteger,
  expectObject,
  expectString,
  expectStringArray,
  expectStringMap,
  isObject,
  optional,
  required,
  withoutNulls,
  type JsonObject,
} from '../oci/json-check.js';
import type { Platform } from './descriptor.js';
import { checkDigest } from './digest.js';

export type EmptyObject = Record<string, never>;

export interface HealthConfig {
  /** ["NONE"], ["CMD", …] or ["CMD-SHELL", "…"] */
  Test?: string[];
  /** durations in nanoseconds */
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  StartInterval?: number;
  Retries?: number;
}

/** The defaults a container of this image runs with. */
export interface ContainerConfig {
  User?: string;
  /** "80/tcp" → {} */
  ExposedPorts?: Record<string, EmptyObject>;
  Env?: string[];
  Entrypoint?: string[];
  Cmd?: string[];
  /** "/data" → {} */
  Volumes?: Record<string, EmptyObject>;
  WorkingDir?: string;
  Labels?: Record<string, string>;
  StopSignal?: string;
  ArgsEscaped?: boolean;
  Healthcheck?: HealthConfig;
  OnBuild?: string[];
  Shell?: string[];
}

export interface HistoryEntry {
  created?: string;
  created_by?: string;
  author?: string;
  comment?: string;
  /** true when the step made no layer (ENV, CMD, …) */
  empty_layer?: boolean;
}

export interface ImageConfig {
  created?: string;
  author?: string;
  architecture: string;
  os: string;
  variant?: string;
  'os.version'?: string;
  'os.features'?: string[];
  config?: ContainerConfig;
  rootfs: { type: 'layers'; diff_ids: string[] };
  history?: HistoryEntry[];
}

function set<T extends object, K extends keyof T>(target: T, key: K, value: T[K] | undefined): void {
  if (value !== undefined) target[key] = value;
}

const emptySet = (v: unknown, field: string): Record<string, EmptyObject> => {
  const o = expectObject(v, field);
  return Object.fromEntries(Object.keys(o).map((k) => [k, {}])) as Record<string, EmptyObject>;
};

function checkHealth(v: unknown, field: string): HealthConfig {
  const o = expectObject(v, field);
  const h: HealthConfig = {};
  set(h, 'Test', optional(o, 'Test', field, expectStringArray));
  for (const k of ['Interval', 'Timeout', 'StartPeriod', 'StartInterval', 'Retries'] as const) {
    set(h, k, optional(o, k, field, (x, f) => expectInteger(x, f, { min: 0 })));
  }
  return h;
}

function checkContainerConfig(v: unknown, field: string): ContainerConfig {
  const o = expectObject(v, field);
  const c: ContainerConfig = {};
  set(c, 'User', optional(o, 'User', field, expectString));
  set(c, 'ExposedPorts', optional(o, 'ExposedPorts', field, emptySet));
  set(c, 'Env', optional(o, 'Env', field, expectStringArray));
  set(c, 'Entrypoint', optional(o, 'Entrypoint', field, expectStringArray));
  set(c, 'Cmd', optional(o, 'Cmd', field, expectStringArray));
  set(c, 'Volumes', optional(o, 'Volumes', field, emptySet));
  set(c, 'WorkingDir', optional(o, 'WorkingDir', field, expectString));
  set(c, 'Labels', optional(o, 'Labels', field, expectStringMap));
  set(c, 'StopSignal', optional(o, 'StopSignal', field, expectString));
  set(c, 'ArgsEscaped', optional(o, 'ArgsEscaped', field, expectBoolean));
  set(c, 'Healthcheck', optional(o, 'Healthcheck', field, checkHealth));
  set(c, 'OnBuild', optional(o, 'OnBuild', field, expectStringArray));
  set(c, 'Shell', optional(o, 'Shell', field, expectStringArray));
  return c;
}

function checkHistory(v: unknown, field: string): HistoryEntry {
  const o = expectObject(v, field);
  const h: HistoryEntry = {};
  for (const k of ['created', 'created_by', 'author', 'comment'] as const) set(h, k, optional(o, k, field, expectString));
  set(h, 'empty_layer', optional(o, 'empty_layer', field, expectBoolean));
  return h;
}

function checkRootfs(v: unknown, field: string): ImageConfig['rootfs'] {
  const o = expectObject(v, field);
  const type = required(o, 'type', field, expectString);
  if (type !== 'layers') throw invalidArgument(at(field, 'type'), `must be "layers", got "${type}"`);
  const ids = optional(o, 'diff_ids', field, expectArray) ?? [];
  const diffIds = ids.map((d, i) => checkDigest(expectString(d, at(at(field, 'diff_ids'), i)), at(at(field, 'diff_ids'), i)));
  return { type, diff_ids: diffIds };
}

/** Parses and checks an image config blob; malformed → InvalidArgument naming the field. */
export function parseImageConfig(bytes: Uint8Array | string, context = 'image config'): ImageConfig {
  const text = typeof bytes === 'string' ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  let raw: unknown;
  try {
    raw = JSON.parse(text) as unknown;
  } catch (e) {
    throw invalidArgument(context, `invalid JSON: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!isObject(raw)) throw invalidArgument(context, 'must be a JSON object');
  // Go writes null for empty slices and maps: the same as absent.
  const doc = withoutNulls(raw) as JsonObject;
  const cfg: ImageConfig = {
    architecture: required(doc, 'architecture', context, expectString),
    os: required(doc, 'os', context, expectString),
    rootfs: required(doc, 'rootfs', context, checkRootfs),
  };
  set(cfg, 'created', optional(doc, 'created', context, expectString));
  set(cfg, 'author', optional(doc, 'author', context, expectString));
  const variant = optional(doc, 'variant', context, expectString);
  if (variant !== undefined && variant !== '') cfg.variant = variant;
  const osVersion = optional(doc, 'os.version', context, expectString);
  if (osVersion !== undefined && osVersion !== '') cfg['os.version'] = osVersion;
  set(cfg, 'os.features', optional(doc, 'os.features', context, expectStringArray));
  set(cfg, 'config', optional(doc, 'config', context, checkContainerConfig));
  const history = optional(doc, 'history', context, expectArray);
  if (history !== undefined) cfg.history = history.map((h, i) => checkHistory(h, at(at(context, 'history'), i)));
  return cfg;
}

/** The platform an image config says it is for. */
export function configPlatform(cfg: ImageConfig): Platform {
  const p: Platform = { architecture: cfg.architecture, os: cfg.os };
  if (cfg.variant !== undefined) p.variant = cfg.variant;
  if (cfg['os.version'] !== undefined) p['os.version'] = cfg['os.version'];
  return p;
}


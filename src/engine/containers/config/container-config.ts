/**
 * The container half of `POST /containers/create` (Docker's `Config`): what
 * to run and how it talks to the world. Docker sends these fields at the top
 * level of the body. Parsing checks types, then Docker's own rules for the
 * config (validateContainerConfig in moby's daemon/container.go).
 */
import path from 'node:path';

import { invalidArgument } from '../../../errors.js';
import type { EmptyObject, HealthConfig } from '../../../image/image-config.js';
import { at, expectBoolean, expectString, type JsonObject } from '../../../oci/json-check.js';
import { type Checks, int, keySet, objectOf, readFields, stringArray, stringMap, strSlice } from './fields.js';
import { parseSignal } from './signals.js';

export type { EmptyObject, HealthConfig };

export interface ContainerConfig {
  Hostname?: string;
  Domainname?: string;
  /** "name", "uid", "name:group", "uid:gid" */
  User?: string;
  AttachStdin?: boolean;
  AttachStdout?: boolean;
  AttachStderr?: boolean;
  /** "80/tcp" → {} */
  ExposedPorts?: Record<string, EmptyObject>;
  Tty?: boolean;
  OpenStdin?: boolean;
  StdinOnce?: boolean;
  /** "KEY=value"; a bare "KEY" unsets KEY */
  Env?: string[];
  Cmd?: string[];
  Entrypoint?: string[];
  Image?: string;
  /** anonymous volumes: "/data" → {} */
  Volumes?: Record<string, EmptyObject>;
  WorkingDir?: string;
  Labels?: Record<string, string>;
  StopSignal?: string;
  /** seconds */
  StopTimeout?: number;
  Healthcheck?: HealthConfig;
  ArgsEscaped?: boolean;
  NetworkDisabled?: boolean;
  MacAddress?: string;
  OnBuild?: string[];
  Shell?: string[];
}

const HEALTH: Checks<HealthConfig> = {
  Test: stringArray,
  Interval: int,
  Timeout: int,
  StartPeriod: int,
  StartInterval: int,
  Retries: int,
};

const CONFIG: Checks<ContainerConfig> = {
  Hostname: expectString,
  Domainname: expectString,
  User: expectString,
  AttachStdin: expectBoolean,
  AttachStdout: expectBoolean,
  AttachStderr: expectBoolean,
  ExposedPorts: keySet,
  Tty: expectBoolean,
  OpenStdin: expectBoolean,
  StdinOnce: expectBoolean,
  Env: stringArray,
  Cmd: strSlice,
  Entrypoint: strSlice,
  Image: expectString,
  Volumes: keySet,
  WorkingDir: expectString,
  Labels: stringMap,
  StopSignal: expectString,
  StopTimeout: int,
  Healthcheck: objectOf(HEALTH),
  ArgsEscaped: expectBoolean,
  NetworkDisabled: expectBoolean,
  MacAddress: expectString,
  OnBuild: stringArray,
  Shell: strSlice,
};

/** The kernel's HOST_NAME_MAX: sethostname(2) refuses anything longer. */
const HOST_NAME_MAX = 64;

/** Docker's Healthcheck durations are nanoseconds; below 1ms is refused. */
const MIN_DURATION_NS = 1_000_000;

function checkHealth(h: HealthConfig, field: string): void {
  for (const key of ['Interval', 'Timeout', 'StartPeriod', 'StartInterval'] as const) {
    const d = h[key];
    if (d !== undefined && d !== 0 && d < MIN_DURATION_NS) {
      throw invalidArgument(at(field, key), `${key} in Healthcheck cannot be less than 1ms`);
    }
  }
  if ((h.Retries ?? 0) < 0) throw invalidArgument(at(field, 'Retries'), 'Retries in Healthcheck cannot be negative');
}

/** Docker's rules on top of the types; WorkingDir comes back cleaned. */
function checkConfig(c: ContainerConfig, field: string): void {
  for (const key of ['Hostname', 'Domainname'] as const) {
    const name = c[key];
    if (name !== undefined && name.length > HOST_NAME_MAX) {
      throw invalidArgument(at(field, key), `must be at most ${HOST_NAME_MAX} characters, got ${name.length}`);
    }
  }
  if (c.WorkingDir) {
    if (!c.WorkingDir.startsWith('/')) {
      throw invalidArgument(at(field, 'WorkingDir'), `the working directory '${c.WorkingDir}' is invalid, it needs to be an absolute path`);
    }
    // filepath.Clean, as dockerd stores it: no "..", no trailing slash.
    c.WorkingDir = path.posix.normalize(c.WorkingDir).replace(/(.)\/+$/, '$1');
  }
  if (c.StopSignal) parseSignal(c.StopSignal, at(field, 'StopSignal'));
  c.Env?.forEach((e, i) => {
    // "=x" or "" would reach the runtime as an environment entry without a name.
    if (e.split('=', 1)[0] === '') throw invalidArgument(at(at(field, 'Env'), i), `invalid environment variable: ${e}`);
  });
  if (c.Healthcheck) checkHealth(c.Healthcheck, at(field, 'Healthcheck'));
}

/** The config fields of a create body (`field` is their JSON path prefix, "" at the top level). */
export function parseContainerConfig(o: JsonObject, field = ''): ContainerConfig {
  const config = readFields(o, field, CONFIG);
  checkConfig(config, field);
  return config;
}

/**
 * `POST /containers/create`: the body (Docker's Config at the top level,
 * with HostConfig and NetworkingConfig as members) and the query's name and
 * platform, checked and typed. Everything wrong is an InvalidArgument naming
 * the field; nothing about the host or the image is looked at here.
 */
import { invalidArgument } from '../../../errors.js';
import { parsePlatform } from '../../../image/platform.js';
import { expectObject, isObject } from '../../../oci/json-check.js';
import { type ContainerConfig, parseContainerConfig } from './container-config.js';
import type { HostConfig } from './host-config.js';
import { type NetworkingConfig, readNetworkingConfig } from './networking-config.js';
import { readHostConfig } from './parse-host-config.js';
import { rejectUnsupported } from './unsupported.js';
import { validateHostConfig } from './validate-host-config.js';

export interface CreateRequest {
  /** without the leading "/"; absent: the daemon makes one up */
  name?: string;
  config: ContainerConfig;
  hostConfig: HostConfig;
  networkingConfig?: NetworkingConfig;
  /** "os[/arch[/variant]]" as the client sent it */
  platform?: string;
}

export interface CreateQuery {
  name?: string;
  platform?: string;
}

/** Docker's rule for container names; a leading "/" is allowed. */
const CONTAINER_NAME = /^\/?[a-zA-Z0-9][a-zA-Z0-9_.-]+$/;

/** The name without its leading "/", or InvalidArgument in Docker's words. */
export function checkName(name: string): string {
  if (!CONTAINER_NAME.test(name)) {
    throw invalidArgument('name', `Invalid container name (${name}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed`);
  }
  return name.replace(/^\//, '');
}

export function parseCreateRequest(body: unknown, query: CreateQuery = {}): CreateRequest {
  if (body === undefined || body === null) throw invalidArgument('', 'config cannot be empty in order to create a container');
  const o = expectObject(body, 'request body');
  const config = parseContainerConfig(o);
  const rawHost = o['HostConfig'];
  const hostConfig = rawHost === undefined || rawHost === null ? {} : readHostConfig(rawHost);
  if (isObject(rawHost)) rejectUnsupported(rawHost);
  validateHostConfig(hostConfig, config);
  const req: CreateRequest = { config, hostConfig };
  const rawNet = o['NetworkingConfig'];
  if (rawNet !== undefined && rawNet !== null) req.networkingConfig = readNetworkingConfig(rawNet, 'NetworkingConfig');
  if (query.name) req.name = checkName(query.name);
  if (query.platform) {
    parsePlatform(query.platform);
    req.platform = query.platform;
  }
  return req;
}

/**
 * Which host a registry name stands for, and how we may talk to it.
 *
 * Users name registries the way image references do: "docker.io" for
 * Docker Hub, "host[:port]" otherwise. Docker Hub's API lives elsewhere
 * (registry-1.docker.io) and its credentials are filed under the legacy
 * index URL, so both mappings sit here.
 *
 * Plain HTTP is allowed only to loopback hosts (127.0.0.0/8, ::1,
 * localhost) and to hosts the user lists in `insecureRegistries` (as
 * "host", "host:port" or an IP range "10.0.0.0/8"), the same rule dockerd
 * applies. Everything else must be HTTPS with a verified certificate.
 */
import { BlockList, isIP } from 'node:net';

import { invalidArgument } from '../../errors.js';

export const DOCKER_HUB = 'docker.io';
/** Where Docker Hub's registry API answers. */
export const DOCKER_HUB_API_HOST = 'registry-1.docker.io';
/** The key docker login files Docker Hub credentials under in config.json. */
export const DOCKER_HUB_CREDENTIAL_KEY = 'https://index.docker.io/v1/';

const DOCKER_HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

// host[:port], host being a DNS name, an IPv4 address or a bracketed IPv6 address.
const DNS_LABEL = '[a-z0-9](?:[a-z0-9-]*[a-z0-9])?';
const HOST_PORT_RE = new RegExp(`^(?:${DNS_LABEL}(?:\\.${DNS_LABEL})*|\\[[0-9a-f:.]+\\])(?::[0-9]{1,5})?$`);

export interface RegistryEndpoint {
  /** The registry as users name it, lower-cased: "docker.io", "127.0.0.1:5000". */
  name: string;
  /** host[:port] the API requests go to. */
  host: string;
}

/** Strips a scheme and a path, as docker does for config.json keys: "https://h:5000/v1/" → "h:5000". */
export function registryHostname(s: string): string {
  let rest = s.trim();
  const scheme = /^[a-z][a-z0-9+.-]*:\/\//i.exec(rest);
  if (scheme) rest = rest.slice(scheme[0].length);
  const slash = rest.indexOf('/');
  if (slash !== -1) rest = rest.slice(0, slash);
  return rest.toLowerCase();
}

/** Names one registry; throws InvalidArgument for anything that is not host[:port]. */
export function resolveEndpoint(registry: string): RegistryEndpoint {
  const name = registryHostname(registry);
  if (!HOST_PORT_RE.test(name)) throw invalidArgument(`registry ${JSON.stringify(registry)}`, 'invalid registry host');
  return DOCKER_HUB_ALIASES.has(name) ? { name: DOCKER_HUB, host: DOCKER_HUB_API_HOST } : { name, host: name };
}

/** The config.json `auths` key for a registry, as `docker login` writes it. */
export function credentialKey(registry: string): string {
  const { name } = resolveEndpoint(registry);
  return name === DOCKER_HUB ? DOCKER_HUB_CREDENTIAL_KEY : name;
}

/** "h:5000" → {hostname: "h", port: "5000"}; "[::1]:5000" → {hostname: "::1", port: "5000"}. */
export function splitHostPort(hostPort: string): { hostname: string; port?: string } {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(hostPort) ?? /^([^:]+)(?::(\d+))?$/.exec(hostPort);
  if (!m) return { hostname: hostPort };
  const [, hostname = '', port] = m;
  return port === undefined ? { hostname } : { hostname, port };
}

export function isLoopbackHost(hostPort: string): boolean {
  const { hostname } = splitHostPort(hostPort.toLowerCase());
  if (hostname === 'localhost' || hostname.endsWith('.localhost')) return true;
  if (isIP(hostname) === 4) return hostname.startsWith('127.');
  if (isIP(hostname) === 6) return hostname === '::1' || hostname === '0:0:0:0:0:0:0:1';
  return false;
}

/**
 * Matches hosts against the user's insecure-registry list. An entry is a
 * host ("h", any port), a host:port ("h:5000"), or a CIDR range matched
 * against literal IP hosts ("10.0.0.0/8").
 */
export class InsecureRegistries {
  readonly #exact = new Set<string>();
  readonly #ranges = new BlockList();
  #hasRanges = false;

  constructor(entries: readonly string[] = []) {
    for (const raw of entries) {
      const entry = raw.trim().toLowerCase();
      const cidr = /^([0-9a-f:.]+)\/(\d{1,3})$/.exec(entry);
      const ip = cidr?.[1] ?? '';
      if (cidr && isIP(ip) !== 0) {
        this.#ranges.addSubnet(ip, Number(cidr[2]), isIP(ip) === 4 ? 'ipv4' : 'ipv6');
        this.#hasRanges = true;
      } else {
        this.#exact.add(registryHostname(entry));
      }
    }
  }

  has(hostPort: string): boolean {
    const lower = hostPort.toLowerCase();
    if (this.#exact.has(lower)) return true;
    const { hostname } = splitHostPort(lower);
    if (this.#exact.has(hostname)) return true;
    const family = isIP(hostname);
    return this.#hasRanges && family !== 0 && this.#ranges.check(hostname, family === 4 ? 'ipv4' : 'ipv6');
  }

  /** Whether plain HTTP to `hostPort` is allowed: loopback, or listed. */
  allowsPlainHttp(hostPort: string): boolean {
    return isLoopbackHost(hostPort) || this.has(hostPort);
  }
}

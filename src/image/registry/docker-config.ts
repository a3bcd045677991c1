/**
 * Registry credentials in docker's config file, so `docker login` and
 * `berth login` see each other's logins.
 *
 * The file is `$DOCKER_CONFIG/config.json`, or `~/.docker/config.json`:
 *
 *   {"auths": {"https://index.docker.io/v1/": {"auth": "<base64 user:pass>"},
 *              "127.0.0.1:5000": {"auth": "…"}}}
 *
 * Keys are "https://index.docker.io/v1/" for Docker Hub and host[:port]
 * otherwise; reading also accepts keys written with a scheme or a path
 * ("https://h:5000/v1/"), as docker does. Writing keeps every other field
 * of the file as it was, and replaces the file atomically with mode 0600.
 *
 * Not supported: credential helpers (`credsStore`, `credHelpers`) and
 * identity tokens; entries using them are ignored.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, realpath, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

import { errnoCode, failedPrecondition } from '../../errors.js';
import type { Credentials } from './credentials.js';
import { credentialKey, registryHostname, resolveEndpoint } from './endpoint.js';

export interface DockerConfigOptions {
  /** The directory holding config.json; default $DOCKER_CONFIG, then ~/.docker. */
  configDir?: string;
  /** Where DOCKER_CONFIG is looked up (default process.env). */
  env?: NodeJS.ProcessEnv;
}

type JsonObject = Record<string, unknown>;

export function dockerConfigPath(options: DockerConfigOptions = {}): string {
  const env = options.env ?? process.env;
  const dir = options.configDir ?? env['DOCKER_CONFIG'] ?? join(homedir(), '.docker');
  return join(dir, 'config.json');
}

async function readConfig(path: string): Promise<JsonObject> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (errnoCode(err) === 'ENOENT') return {};
    throw failedPrecondition(`docker config ${path}`, `cannot read: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (text.trim() === '') return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (err) {
    throw failedPrecondition(`docker config ${path}`, `invalid json: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw failedPrecondition(`docker config ${path}`, 'not a json object');
  }
  return parsed as JsonObject;
}

function authsOf(config: JsonObject): JsonObject {
  const auths = config['auths'];
  return typeof auths === 'object' && auths !== null && !Array.isArray(auths) ? (auths as JsonObject) : {};
}

/** The auths keys that stand for `registry`: its own key, and any spelling with a scheme or path. */
function matchingKeys(auths: JsonObject, registry: string): string[] {
  const { name } = resolveEndpoint(registry);
  const key = credentialKey(registry);
  return Object.keys(auths).filter((k) => {
    if (k === key) return true;
    const host = registryHostname(k);
    try {
      return resolveEndpoint(host).name === name;
    } catch {
      return false;
    }
  });
}

function decodeEntry(entry: unknown): Credentials | undefined {
  if (typeof entry !== 'object' || entry === null) return undefined;
  const e = entry as JsonObject;
  if (typeof e['auth'] === 'string' && e['auth'] !== '') {
    const decoded = Buffer.from(e['auth'], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon <= 0) return undefined;
    return { username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
  }
  if (typeof e['username'] === 'string' && typeof e['password'] === 'string' && e['username'] !== '') {
    return { username: e['username'], password: e['password'] };
  }
  return undefined;
}

/** The stored credentials for a registry, or undefined. */
export async function readDockerCredentials(
  registry: string,
  options: DockerConfigOptions = {},
): Promise<Credentials | undefined> {
  const auths = authsOf(await readConfig(dockerConfigPath(options)));
  const key = credentialKey(registry);
  // The canonical key wins over other spellings.
  const keys = matchingKeys(auths, registry).sort((a, b) => Number(b === key) - Number(a === key));
  for (const k of keys) {
    const c = decodeEntry(auths[k]);
    if (c !== undefined) return c;
  }
  return undefined;
}

/** A credential source for RegistryClient that reads the docker config when first needed. */
export function dockerConfigCredentials(
  registry: string,
  options: DockerConfigOptions = {},
): () => Promise<Credentials | undefined> {
  return () => readDockerCredentials(registry, options);
}

async function writeConfig(path: string, config: JsonObject): Promise<void> {
  let target = path;
  try {
    // Write through a symlinked config.json rather than replacing the link.
    target = await realpath(path);
  } catch (err) {
    if (errnoCode(err) !== 'ENOENT') throw err;
  }
  await mkdir(dirname(target), { recursive: true, mode: 0o700 });
  const tmp = `${target}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  const fh = await open(tmp, 'wx', 0o600);
  try {
    await fh.writeFile(`${JSON.stringify(config, null, '\t')}\n`);
    await fh.sync();
  } finally {
    await fh.close();
  }
  try {
    await rename(tmp, target);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** Files credentials under the registry's key, as `docker login` does. */
export async function storeDockerCredentials(
  registry: string,
  credentials: Credentials,
  options: DockerConfigOptions = {},
): Promise<void> {
  const path = dockerConfigPath(options);
  const config = await readConfig(path);
  const auths = { ...authsOf(config) };
  const key = credentialKey(registry);
  const previous = auths[key];
  const entry: JsonObject = typeof previous === 'object' && previous !== null ? { ...(previous as JsonObject) } : {};
  delete entry['username'];
  delete entry['password'];
  entry['auth'] = Buffer.from(`${credentials.username}:${credentials.password}`, 'utf8').toString('base64');
  auths[key] = entry;
  await writeConfig(path, { ...config, auths });
}

/** Forgets a registry's credentials (every spelling of its key). False when there were none. */
export async function removeDockerCredentials(registry: string, options: DockerConfigOptions = {}): Promise<boolean> {
  const path = dockerConfigPath(options);
  const config = await readConfig(path);
  const auths = { ...authsOf(config) };
  const keys = matchingKeys(auths, registry);
  if (keys.length === 0) return false;
  for (const k of keys) delete auths[k];
  await writeConfig(path, { ...config, auths });
  return true;
}

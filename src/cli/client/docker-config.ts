/**
 * Registry credentials in docker's client config, as `docker login` keeps
 * them: `$DOCKER_CONFIG/config.json` (or `~/.docker/config.json`), under
 * `auths` keyed by "https://index.docker.io/v1/" for Docker Hub and
 * host[:port] otherwise. The CLI keeps them, not the daemon: each pull and
 * push sends them in X-Registry-Auth. Writing keeps the rest of the file
 * and replaces it atomically, mode 0600. Credential helpers are not used.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, open, readFile, realpath, rename, rm } from 'node:fs/promises';
import { homedir } from 'node:os';
import path from 'node:path';

export const DOCKER_HUB_KEY = 'https://index.docker.io/v1/';
const HUB_ALIASES = new Set(['docker.io', 'index.docker.io', 'registry-1.docker.io', 'registry.hub.docker.com']);

export interface Credentials {
  username: string;
  password: string;
}

type Json = Record<string, unknown>;

export const configDir = (env: NodeJS.ProcessEnv = process.env): string => env['DOCKER_CONFIG'] || path.join(homedir(), '.docker');

/** "https://h:5000/v1/" → "h:5000"; Docker Hub's names → its legacy key. */
export function credentialKey(server: string): string {
  const host = server.trim().replace(/^[a-z][a-z0-9+.-]*:\/\//i, '').split('/')[0]?.toLowerCase() ?? '';
  return HUB_ALIASES.has(host) ? DOCKER_HUB_KEY : host;
}

export async function readCredentials(server: string, dir = configDir()): Promise<Credentials | undefined> {
  const auths = authsOf(await readConfig(dir));
  const key = credentialKey(server);
  const keys = Object.keys(auths).filter((k) => k === key || credentialKey(k) === key);
  keys.sort((a, b) => Number(b === key) - Number(a === key));
  for (const k of keys) {
    const e = auths[k] as Json | undefined;
    if (typeof e?.['auth'] === 'string' && e['auth']) {
      const plain = Buffer.from(e['auth'], 'base64').toString('utf8');
      const colon = plain.indexOf(':');
      if (colon > 0) return { username: plain.slice(0, colon), password: plain.slice(colon + 1) };
    }
    if (typeof e?.['username'] === 'string' && typeof e['password'] === 'string' && e['username']) return { username: e['username'], password: e['password'] };
  }
  return undefined;
}

export async function storeCredentials(server: string, c: Credentials, dir = configDir()): Promise<void> {
  const config = await readConfig(dir);
  const auths = { ...authsOf(config) };
  const key = credentialKey(server);
  const previous = typeof auths[key] === 'object' && auths[key] !== null ? (auths[key] as Json) : {};
  // A plain username/password left by an older tool gives way to the encoded form.
  const rest = Object.fromEntries(Object.entries(previous).filter(([k]) => k !== 'username' && k !== 'password'));
  auths[key] = { ...rest, auth: Buffer.from(`${c.username}:${c.password}`).toString('base64') };
  await writeConfig(dir, { ...config, auths });
}

/** Forgets a server's credentials (any spelling of its key); false when there were none. */
export async function removeCredentials(server: string, dir = configDir()): Promise<boolean> {
  const config = await readConfig(dir);
  const auths = { ...authsOf(config) };
  const key = credentialKey(server);
  const keys = Object.keys(auths).filter((k) => credentialKey(k) === key);
  if (keys.length === 0) return false;
  for (const k of keys) delete auths[k];
  await writeConfig(dir, { ...config, auths });
  return true;
}

/** The X-Registry-Auth header: base64url of docker's AuthConfig, "{}" for anonymous, as the docker CLI sends it. */
export function registryAuthHeader(c: Credentials | undefined, server: string): string {
  const body = c ? { username: c.username, password: c.password, serveraddress: server } : {};
  return Buffer.from(JSON.stringify(body)).toString('base64url');
}

async function readConfig(dir: string): Promise<Json> {
  const file = path.join(dir, 'config.json');
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return {};
    throw e;
  }
  if (text.trim() === '') return {};
  const parsed: unknown = JSON.parse(text);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw new Error(`${file}: not a JSON object`);
  return parsed as Json;
}

const authsOf = (c: Json): Json => (typeof c['auths'] === 'object' && c['auths'] !== null && !Array.isArray(c['auths']) ? (c['auths'] as Json) : {});

async function writeConfig(dir: string, config: Json): Promise<void> {
  let target = path.join(dir, 'config.json');
  try {
    target = await realpath(target); // write through a symlinked config.json, keeping the link
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  await mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
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
  } catch (e) {
    await rm(tmp, { force: true });
    throw e;
  }
}

import type { Credentials } from '../image/registry/index.js';

/**
 * Credentials from the X-Registry-Auth header: base64url of a JSON
 * AuthConfig (`{username, password, auth?, serveraddress}`). Missing,
 * empty or unreadable means anonymous (or config.json), as dockerd does.
 */
export function registryAuth(header: string | string[] | undefined): Credentials | undefined {
  if (typeof header !== 'string' || header === '') return undefined;
  let config: unknown;
  try {
    // Node's base64 decoder reads both alphabets, padded or not.
    config = JSON.parse(Buffer.from(header, 'base64').toString('utf8'));
  } catch {
    return undefined;
  }
  return credentialsOf(config);
}

/** A docker AuthConfig object (X-Registry-Auth, or the body of POST /auth) as credentials. */
export function credentialsOf(config: unknown): Credentials | undefined {
  if (typeof config !== 'object' || config === null) return undefined;
  const c = config as Record<string, unknown>;
  let username = typeof c['username'] === 'string' ? c['username'] : '';
  let password = typeof c['password'] === 'string' ? c['password'] : '';
  if (!username && typeof c['auth'] === 'string' && c['auth'] !== '') {
    const plain = Buffer.from(c['auth'], 'base64').toString('utf8');
    const colon = plain.indexOf(':');
    if (colon > 0) {
      username = plain.slice(0, colon);
      password = plain.slice(colon + 1);
    }
  }
  if (!username && typeof c['identitytoken'] === 'string' && c['identitytoken'] !== '') {
    // An OAuth refresh token, sent the way docker sends it to token servers.
    return { username: '<token>', password: c['identitytoken'] };
  }
  return username ? { username, password } : undefined;
}

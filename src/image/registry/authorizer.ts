/**
 * Authentication against a registry, the way docker and containerd do it.
 *
 * Requests go out anonymously until the registry answers 401 with a
 * challenge. From then on every request of this client carries what the
 * challenge asked for:
 *
 * - `Basic realm=…`: the credentials, base64 "user:pass".
 * - `Bearer realm=…,service=…`: a token from the realm, fetched with
 *   `GET realm?service=S&scope=repository:NAME:pull[,push]` (with basic
 *   auth when we have credentials, anonymously otherwise), taken from the
 *   answer's `token` or `access_token`, and kept per set of scopes until
 *   shortly before `expires_in` runs out.
 *
 * A 401 to a request that carried a token drops that token, so an expired
 * or revoked one is fetched again once; the client gives up after that.
 */
import { unavailable } from '../../errors.js';
import type { AuthChallenge } from './challenge.js';
import { parseChallenges } from './challenge.js';
import { basicAuthorization, type CredentialSource, type Credentials } from './credentials.js';
import type { TransportRequest, TransportResponse } from './http-transport.js';
import { statusError } from './registry-error.js';

/** Sends a request with retries, without authentication; reads the body when `read` is set. */
export type Fetcher = (req: TransportRequest, read?: number) => Promise<{ res: TransportResponse; data?: Buffer }>;

interface CachedToken {
  token: string;
  expiresAt: number;
}

/** Tokens live at least this long (distribution spec, "Token Response Fields"). */
const MIN_TOKEN_LIFETIME_S = 60;
const TOKEN_BODY_LIMIT = 1024 * 1024;

export type AuthScheme = 'none' | 'basic' | 'bearer';

export function pullScope(repo: string): string {
  return `repository:${repo}:pull`;
}

export function pushScope(repo: string): string {
  return `repository:${repo}:pull,push`;
}

export class Authorizer {
  #challenge: AuthChallenge | undefined;
  readonly #tokens = new Map<string, CachedToken>();
  readonly #pending = new Map<string, Promise<string>>();
  #credentials: Promise<Credentials | undefined> | undefined;

  constructor(
    private readonly context: string,
    private readonly fetch: Fetcher,
    private readonly source: CredentialSource | undefined,
    private readonly now: () => number = Date.now,
  ) {}

  /** What the registry asked for so far. */
  get scheme(): AuthScheme {
    return this.#challenge?.scheme === 'basic' ? 'basic' : this.#challenge?.scheme === 'bearer' ? 'bearer' : 'none';
  }

  credentials(): Promise<Credentials | undefined> {
    if (this.#credentials === undefined) {
      const s = this.source;
      this.#credentials = s === undefined ? Promise.resolve(undefined) : typeof s === 'function' ? s() : Promise.resolve(s);
    }
    return this.#credentials;
  }

  /** The Authorization header for a request needing `scopes`, or undefined to go anonymously. */
  async authorization(scopes: readonly string[]): Promise<string | undefined> {
    const ch = this.#challenge;
    if (ch === undefined) return undefined;
    if (ch.scheme === 'basic') {
      const c = await this.credentials();
      return c === undefined ? undefined : basicAuthorization(c);
    }
    return `Bearer ${await this.#token(ch, scopes)}`;
  }

  /**
   * Learns from a 401. True when sending the request again, with what was
   * learned, may succeed: a new challenge we can answer, or a token that
   * may just have expired.
   */
  async handleUnauthorized(res: TransportResponse, scopes: readonly string[]): Promise<boolean> {
    const challenges = parseChallenges(res.headerValues('www-authenticate'));
    const bearer = challenges.find((c) => c.scheme === 'bearer' && (c.params['realm'] ?? '') !== '');
    const basic = challenges.find((c) => c.scheme === 'basic');
    const chosen = bearer ?? basic;
    if (chosen === undefined) return false;
    // Scopes named in the challenge belong to that one request; tokens are asked for per request.
    const params = { ...chosen.params };
    delete params['scope'];
    delete params['error'];
    this.#challenge = { scheme: chosen.scheme, params };
    if (chosen.scheme === 'basic') return (await this.credentials()) !== undefined;
    this.#tokens.delete(this.#key(this.#challenge, scopes));
    return true;
  }

  #key(ch: AuthChallenge, scopes: readonly string[]): string {
    return [ch.params['realm'] ?? '', ch.params['service'] ?? '', ...[...new Set(scopes)].sort()].join('\n');
  }

  async #token(ch: AuthChallenge, scopes: readonly string[]): Promise<string> {
    const key = this.#key(ch, scopes);
    const cached = this.#tokens.get(key);
    if (cached !== undefined && cached.expiresAt > this.now()) return cached.token;
    let pending = this.#pending.get(key);
    if (pending === undefined) {
      pending = this.#fetchToken(ch, scopes, key).finally(() => this.#pending.delete(key));
      this.#pending.set(key, pending);
    }
    return pending;
  }

  async #fetchToken(ch: AuthChallenge, scopes: readonly string[], key: string): Promise<string> {
    const realm = ch.params['realm'] ?? '';
    let url: URL;
    try {
      url = new URL(realm);
    } catch {
      throw unavailable(this.context, `invalid token realm ${JSON.stringify(realm)}`);
    }
    const service = ch.params['service'];
    if (service !== undefined) url.searchParams.set('service', service);
    for (const s of [...new Set(scopes)].sort()) url.searchParams.append('scope', s);
    const creds = await this.credentials();
    const headers: Record<string, string> = { accept: 'application/json' };
    if (creds !== undefined) {
      url.searchParams.set('account', creds.username);
      headers['authorization'] = basicAuthorization(creds);
    }
    const started = this.now();
    const { res, data } = await this.fetch({ method: 'GET', url, headers }, TOKEN_BODY_LIMIT);
    if (res.status !== 200) {
      throw statusError({
        context: this.context,
        status: res.status,
        ...(data ? { body: data } : {}),
        operation: `GET ${url.origin}${url.pathname}`,
      });
    }
    const token = parseTokenResponse(data ?? Buffer.alloc(0));
    if (token === undefined) throw unavailable(this.context, `token server ${url.origin}${url.pathname} returned no token`);
    const lifetime = Math.max(token.expiresIn ?? MIN_TOKEN_LIFETIME_S, MIN_TOKEN_LIFETIME_S) * 1000;
    // Renew a little early: the clock started before the request, and the registry's may run ahead.
    const margin = Math.min(30_000, lifetime / 10);
    this.#tokens.set(key, { token: token.token, expiresAt: started + lifetime - margin });
    return token.token;
  }
}

export function parseTokenResponse(body: Buffer): { token: string; expiresIn?: number } | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const o = parsed as Record<string, unknown>;
  const token = typeof o['token'] === 'string' && o['token'] !== '' ? o['token'] : o['access_token'];
  if (typeof token !== 'string' || token === '') return undefined;
  const expires = o['expires_in'];
  return typeof expires === 'number' && Number.isFinite(expires) && expires > 0 ? { token, expiresIn: expires } : { token };
}

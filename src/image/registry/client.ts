/**
 * A client for one registry speaking the OCI distribution spec (Docker
 * Registry HTTP API v2): manifests, blobs, uploads, cross-repository mounts
 * and tags.
 *
 *   const client = new RegistryClient('127.0.0.1:5000', { credentials });
 *   const { bytes, mediaType, digest } = await client.getManifest('library/busybox', 'latest');
 *   const layer = await client.getBlob('library/busybox', layerDigest);
 *   ...
 *   client.close();
 *
 * Repositories are the path part of a reference ("library/busybox"); the
 * client is per registry host ("127.0.0.1:5000", or "docker.io", which is
 * served from registry-1.docker.io).
 *
 * Each request goes through three layers: the transport (timeouts,
 * redirects, the plain-HTTP rule), retries (408/429/5xx and broken
 * connections, with backoff and Retry-After), and authentication (a 401
 * teaches the authorizer what the registry wants; the request is sent
 * once more with it).
 */
import { Readable } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';

import { BerthError, internal, invalidArgument, notFound, unavailable } from '../../errors.js';
import type { Descriptor } from '../descriptor.js';
import { isDigest, parseDigest, sha256Digest } from '../digest.js';
import { MANIFEST_MEDIA_TYPES } from '../media-types.js';
import { Authorizer, pullScope, pushScope, type AuthScheme } from './authorizer.js';
import { BlobReader, parseContentRange } from './blob-reader.js';
import type { CredentialSource } from './credentials.js';
import { InsecureRegistries, isLoopbackHost, resolveEndpoint, type RegistryEndpoint } from './endpoint.js';
import { HttpTransport, type RequestBody, type TransportRequest, type TransportResponse } from './http-transport.js';
import { checkManifestReference, checkRepository, displayName } from './names.js';
import { DEFAULT_RETRY_POLICY, isRetryableError, isRetryableStatus, retryDelayMs, type RetryPolicy } from './retry-policy.js';
import { statusError } from './registry-error.js';

export interface RegistryClientOptions {
  credentials?: CredentialSource;
  /** Hosts ("h", "h:5000") or IP ranges ("10.0.0.0/8") that may be reached over plain http or unverified https. */
  insecureRegistries?: readonly string[];
  /** Extra CA certificates (PEM) to trust besides Node's bundled ones. */
  ca?: string | Buffer | readonly (string | Buffer)[];
  /**
   * Forces the scheme. By default: http for loopback hosts; for insecure
   * registries https without certificate checks, falling back to http;
   * https otherwise.
   */
  protocol?: 'http' | 'https';
  /** Connect timeout and longest silence while waiting for data (default 30000 ms). */
  timeoutMs?: number;
  /** Tries per request, the first included (default 4). */
  maxAttempts?: number;
  /** First retry wait, doubled each time (default 500 ms). */
  retryDelayMs?: number;
  /** Longest retry wait, Retry-After included (default 30000 ms). */
  maxRetryDelayMs?: number;
  /** Default 5. */
  maxRedirects?: number;
  /** How often one blob download is resumed after its connection broke (default 3). */
  maxBlobResumes?: number;
  userAgent?: string;
}

export interface FetchedManifest {
  bytes: Buffer;
  mediaType: string;
  digest: string;
}

export interface PingResult {
  /** What the registry asks for: nothing, basic auth, or bearer tokens. */
  auth: AuthScheme;
}

export interface GetBlobOptions {
  /** Start at this byte (Range request): resumes a download that stopped. */
  offset?: number;
  /** The blob's size from its descriptor: an answer announcing another length is refused (see BlobReader). */
  size?: number;
}

/** Manifests and indexes larger than this are refused (containerd uses the same bound). */
export const MANIFEST_SIZE_LIMIT = 4 * 1024 * 1024;
const JSON_LIMIT = 4 * 1024 * 1024;
const MAX_TAG_PAGES = 1000;

interface Operation {
  method: string;
  /** A path below the registry's base URL ("/v2/…"), or a full URL (upload locations). */
  path: string | URL;
  scopes: readonly string[];
  headers?: Record<string, string>;
  body?: RequestBody;
  bodyLength?: number;
  /** Read the body of a successful answer, up to this many bytes. */
  read?: number;
  stream?: boolean;
  /** Skip the authorizer (ping without credentials). */
  anonymous?: boolean;
}

interface Answer {
  res: TransportResponse;
  /** The body: read when asked for, and for every error answer. */
  data?: Buffer;
}

const ERROR_BODY_LIMIT = 64 * 1024;

export class RegistryClient {
  readonly endpoint: RegistryEndpoint;
  readonly #context: string;
  readonly #transport: HttpTransport;
  readonly #auth: Authorizer;
  readonly #retry: RetryPolicy;
  readonly #options: RegistryClientOptions;
  readonly #insecure: InsecureRegistries;
  #base: Promise<URL> | undefined;

  constructor(registry: string, options: RegistryClientOptions = {}) {
    this.endpoint = resolveEndpoint(registry);
    this.#options = options;
    this.#context = `registry ${this.endpoint.name}`;
    this.#insecure = new InsecureRegistries(options.insecureRegistries);
    this.#retry = {
      maxAttempts: Math.max(1, options.maxAttempts ?? DEFAULT_RETRY_POLICY.maxAttempts),
      baseDelayMs: options.retryDelayMs ?? DEFAULT_RETRY_POLICY.baseDelayMs,
      maxDelayMs: options.maxRetryDelayMs ?? DEFAULT_RETRY_POLICY.maxDelayMs,
    };
    this.#transport = new HttpTransport(this.#context, {
      insecure: this.#insecure,
      ...(options.ca !== undefined ? { ca: options.ca } : {}),
      timeoutMs: options.timeoutMs ?? 30_000,
      maxRedirects: options.maxRedirects ?? 5,
      userAgent: options.userAgent ?? 'berth',
    });
    this.#auth = new Authorizer(this.#context, (req, read) => this.#fetch(req, read), options.credentials);
  }

  /** The registry as users name it: "docker.io", "127.0.0.1:5000". */
  get registry(): string {
    return this.endpoint.name;
  }

  /** Drops idle connections. */
  close(): void {
    this.#transport.close();
  }

  /**
   * Checks that the registry answers the v2 API and, when the client has
   * credentials, that they are accepted. Without credentials a registry
   * that wants them is still "up": the result says what it wants.
   */
  async ping(): Promise<PingResult> {
    const anonymous = (await this.#auth.credentials()) === undefined;
    const { res, data } = await this.#send({ method: 'GET', path: '/v2/', scopes: [], anonymous });
    res.discard();
    if (res.status === 200) return { auth: this.#auth.scheme };
    if (res.status === 401 && anonymous) {
      await this.#auth.handleUnauthorized(res, []);
      return { auth: this.#auth.scheme === 'none' ? 'basic' : this.#auth.scheme };
    }
    if (res.status === 404) {
      throw new BerthError('FailedPrecondition', this.#context, `${res.url.origin} does not serve the registry v2 api`);
    }
    throw this.#statusError(res, data);
  }

  async getManifest(
    repo: string,
    reference: string,
    accept: readonly string[] = MANIFEST_MEDIA_TYPES,
  ): Promise<FetchedManifest> {
    checkRepository(repo);
    checkManifestReference(reference);
    const { res, data } = await this.#send({
      method: 'GET',
      path: `/v2/${repo}/manifests/${reference}`,
      scopes: [pullScope(repo)],
      headers: { accept: accept.join(', ') },
      read: MANIFEST_SIZE_LIMIT,
    });
    if (res.status === 404) throw this.#manifestNotFound(repo, reference);
    if (res.status !== 200) throw this.#statusError(res, data);
    const bytes = data ?? Buffer.alloc(0);
    const digest = sha256Digest(bytes);
    this.#checkManifestDigest(repo, reference, digest, res.header('docker-content-digest'));
    return { bytes, mediaType: manifestMediaType(res.header('content-type'), bytes), digest };
  }

  /** The manifest's descriptor without its body, or undefined when there is none. */
  async headManifest(
    repo: string,
    reference: string,
    accept: readonly string[] = MANIFEST_MEDIA_TYPES,
  ): Promise<Descriptor | undefined> {
    checkRepository(repo);
    checkManifestReference(reference);
    const { res, data } = await this.#send({
      method: 'HEAD',
      path: `/v2/${repo}/manifests/${reference}`,
      scopes: [pullScope(repo)],
      headers: { accept: accept.join(', ') },
    });
    res.discard();
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw this.#statusError(res, data);
    const header = res.header('docker-content-digest');
    const size = res.contentLength;
    const mediaType = res.header('content-type')?.split(';')[0]?.trim() ?? '';
    if (isDigest(reference) && header !== undefined && header !== reference) {
      this.#checkManifestDigest(repo, reference, header, undefined);
    }
    const digest = isDigest(reference) ? reference : header;
    if (digest === undefined || !isDigest(digest) || size === undefined || mediaType === '') {
      // Not all registries say everything on HEAD; the body tells.
      const m = await this.getManifest(repo, reference, accept);
      return { mediaType: m.mediaType, digest: m.digest, size: m.bytes.length };
    }
    return { mediaType, digest, size };
  }

  /**
   * The blob as a stream (following redirects to storage), from `offset` if
   * given. Throws NotFound when the registry does not have it.
   */
  async getBlob(repo: string, digest: string, options: GetBlobOptions = {}): Promise<Readable> {
    checkRepository(repo);
    parseDigest(digest, 'blob digest');
    const offset = options.offset ?? 0;
    if (!Number.isSafeInteger(offset) || offset < 0) throw invalidArgument(this.#context, `invalid blob offset ${offset}`);
    const name = `blob ${digest} of ${this.#name(repo)}`;
    const open = async (from: number): Promise<Answer> =>
      this.#send({
        method: 'GET',
        path: `/v2/${repo}/blobs/${digest}`,
        scopes: [pullScope(repo)],
        headers: from > 0 ? { range: `bytes=${from}-` } : {},
        stream: true,
      });
    const check = ({ res, data }: Answer): TransportResponse => {
      if (res.status === 200 || res.status === 206) return res;
      if (res.status === 404) throw notFound(this.#context, `blob ${digest} not found in ${this.#name(repo)}`);
      throw this.#statusError(res, data);
    };
    const first = await open(offset);
    if (first.res.status === 416 && offset > 0) {
      // Asking from the very end: nothing left to read.
      const range = parseContentRange(first.res.header('content-range')?.replace('bytes */', 'bytes 0-0/'));
      if (range?.total === offset) return Readable.from([]);
    }
    return new BlobReader({
      context: this.#context,
      name,
      digest,
      offset,
      ...(options.size !== undefined ? { size: options.size } : {}),
      first: check(first),
      reopen: async (from) => check(await open(from)),
      idleTimeoutMs: this.#transport.options.timeoutMs,
      maxResumes: this.#options.maxBlobResumes ?? 3,
    });
  }

  /** The blob's size if the repository has it, undefined otherwise. */
  async blobExists(repo: string, digest: string): Promise<number | undefined> {
    checkRepository(repo);
    parseDigest(digest, 'blob digest');
    const { res, data } = await this.#send({ method: 'HEAD', path: `/v2/${repo}/blobs/${digest}`, scopes: [pullScope(repo)] });
    res.discard();
    if (res.status === 404) return undefined;
    if (res.status !== 200) throw this.#statusError(res, data);
    const size = res.contentLength;
    if (size === undefined) throw unavailable(this.#context, `HEAD of blob ${digest} answered without a content length`);
    return size;
  }

  /**
   * Uploads a blob (monolithic: POST to open an upload, PUT the bytes with
   * the digest). `open` is called for each try and must give the blob's
   * bytes from the start. Skips the upload when the blob is already there.
   */
  async pushBlob(
    repo: string,
    digest: string,
    size: number,
    open: () => Readable | Promise<Readable>,
  ): Promise<'exists' | 'pushed'> {
    checkRepository(repo);
    parseDigest(digest, 'blob digest');
    if (!Number.isSafeInteger(size) || size < 0) throw invalidArgument(this.#context, `invalid blob size ${size}`);
    if ((await this.blobExists(repo, digest)) !== undefined) return 'exists';
    const location = await this.#startUpload(repo);
    location.searchParams.set('digest', digest);
    const { res, data } = await this.#send({
      method: 'PUT',
      path: location,
      scopes: [pushScope(repo)],
      headers: { 'content-type': 'application/octet-stream' },
      body: open,
      bodyLength: size,
    });
    res.discard();
    if (res.status !== 201) throw this.#statusError(res, data, `pushing blob ${digest} to ${this.#name(repo)}`);
    const stored = res.header('docker-content-digest');
    if (stored !== undefined && stored !== digest) {
      throw internal(this.#context, `registry stored blob ${digest} under digest ${stored}`);
    }
    return 'pushed';
  }

  /**
   * Mounts a blob from another repository of this registry without
   * uploading it. False when the registry would rather have it uploaded
   * (202): the caller pushes it then.
   */
  async mountBlob(fromRepo: string, toRepo: string, digest: string): Promise<boolean> {
    checkRepository(fromRepo);
    checkRepository(toRepo);
    parseDigest(digest, 'blob digest');
    const query = new URLSearchParams({ mount: digest, from: fromRepo });
    const { res, data } = await this.#send({
      method: 'POST',
      path: `/v2/${toRepo}/blobs/uploads/?${query.toString()}`,
      scopes: [pushScope(toRepo), pullScope(fromRepo)],
    });
    res.discard();
    if (res.status === 201) return true;
    if (res.status === 202) {
      await this.#cancelUpload(res, toRepo);
      return false;
    }
    throw this.#statusError(res, data, `mounting blob ${digest} from ${fromRepo} into ${this.#name(toRepo)}`);
  }

  /** Stores a manifest under a tag (or its digest); returns its digest. */
  async putManifest(repo: string, reference: string, bytes: Buffer, mediaType: string): Promise<string> {
    checkRepository(repo);
    checkManifestReference(reference);
    const digest = sha256Digest(bytes);
    if (isDigest(reference) && reference !== digest) {
      throw invalidArgument(this.#context, `manifest bytes have digest ${digest}, not ${reference}`);
    }
    const { res, data } = await this.#send({
      method: 'PUT',
      path: `/v2/${repo}/manifests/${reference}`,
      scopes: [pushScope(repo)],
      headers: { 'content-type': mediaType },
      body: bytes,
    });
    res.discard();
    if (res.status !== 201 && res.status !== 200) {
      throw this.#statusError(res, data, `pushing manifest ${this.#name(repo, reference)}`);
    }
    const stored = res.header('docker-content-digest');
    if (stored !== undefined && stored !== digest) {
      throw internal(this.#context, `registry stored manifest ${digest} under digest ${stored}`);
    }
    return digest;
  }

  /** Every tag of a repository, following the registry's pages. */
  async listTags(repo: string): Promise<string[]> {
    checkRepository(repo);
    const tags: string[] = [];
    let path: string | URL = `/v2/${repo}/tags/list`;
    for (let page = 0; page < MAX_TAG_PAGES; page++) {
      const { res, data }: Answer = await this.#send({ method: 'GET', path, scopes: [pullScope(repo)], read: JSON_LIMIT });
      if (res.status === 404) throw notFound(this.#context, `repository ${this.#name(repo)} not found`);
      if (res.status !== 200) throw this.#statusError(res, data);
      tags.push(...parseTagList(data ?? Buffer.alloc(0), this.#context));
      const next = nextLink(res.headerValues('link'));
      if (next === undefined) return tags;
      path = new URL(next, res.url);
    }
    throw unavailable(this.#context, `tag list of ${repo} has more than ${MAX_TAG_PAGES} pages`);
  }

  // --- internals -----------------------------------------------------------

  async #startUpload(repo: string): Promise<URL> {
    const { res, data } = await this.#send({ method: 'POST', path: `/v2/${repo}/blobs/uploads/`, scopes: [pushScope(repo)] });
    res.discard();
    if (res.status !== 202) throw this.#statusError(res, data, `starting an upload to ${this.#name(repo)}`);
    const location = res.header('location');
    if (location === undefined) throw unavailable(this.#context, 'upload started without a location');
    return new URL(location, res.url);
  }

  async #cancelUpload(res: TransportResponse, repo: string): Promise<void> {
    const location = res.header('location');
    if (location === undefined) return;
    try {
      const answer = await this.#send({ method: 'DELETE', path: new URL(location, res.url), scopes: [pushScope(repo)] });
      answer.res.discard();
    } catch {
      // The registry forgets abandoned uploads by itself; this only tidies up early.
    }
  }

  #baseUrl(): Promise<URL> {
    this.#base ??= this.#resolveBase().catch((err: unknown) => {
      this.#base = undefined;
      throw err;
    });
    return this.#base;
  }

  async #resolveBase(): Promise<URL> {
    const host = this.endpoint.host;
    const forced = this.#options.protocol;
    if (forced !== undefined) return new URL(`${forced}://${host}`);
    if (this.#insecure.has(host)) {
      // dockerd's order for insecure registries: https without verification, then http.
      const https = new URL(`https://${host}`);
      try {
        const res = await this.#transport.request({ method: 'GET', url: new URL('/v2/', https), followRedirects: false });
        res.discard();
        return https;
      } catch (err) {
        if (err instanceof BerthError && err.category === 'FailedPrecondition') throw err;
        return new URL(`http://${host}`);
      }
    }
    return new URL(`${isLoopbackHost(host) ? 'http' : 'https'}://${host}`);
  }

  /** One request with retries; no authentication. Reads the body when asked, and for errors. */
  async #fetch(req: TransportRequest, read?: number): Promise<Answer> {
    for (let attempt = 1; ; attempt++) {
      const last = attempt >= this.#retry.maxAttempts;
      try {
        const res = await this.#transport.request(req);
        if (!last && isRetryableStatus(res.status)) {
          res.discard();
          await sleep(retryDelayMs(attempt, this.#retry, res.header('retry-after')));
          continue;
        }
        if (res.status >= 400) {
          const data = await errorBody(res);
          return data === undefined ? { res } : { res, data };
        }
        if (read !== undefined && res.status >= 200 && res.status < 300) return { res, data: await res.bytes(read) };
        return { res };
      } catch (err) {
        if (last || !isRetryableError(err)) throw err;
        await sleep(retryDelayMs(attempt, this.#retry));
      }
    }
  }

  /** A request with retries and authentication: one more try after a 401 taught the authorizer something. */
  async #send(op: Operation): Promise<Answer> {
    const base = await this.#baseUrl();
    const url = typeof op.path === 'string' ? new URL(op.path, base) : op.path;
    const withAuth = op.anonymous !== true && url.origin === base.origin;
    for (let authTried = false; ; authTried = true) {
      const headers: Record<string, string> = { ...op.headers };
      const authorization = withAuth ? await this.#auth.authorization(op.scopes) : undefined;
      if (authorization !== undefined) headers['authorization'] = authorization;
      const req: TransportRequest = { method: op.method, url, headers };
      if (op.body !== undefined) req.body = op.body;
      if (op.bodyLength !== undefined) req.bodyLength = op.bodyLength;
      if (op.stream === true) req.stream = true;
      const answer = await this.#fetch(req, op.read);
      if (answer.res.status === 401 && withAuth && !authTried && (await this.#auth.handleUnauthorized(answer.res, op.scopes))) {
        continue;
      }
      return answer;
    }
  }

  #statusError(res: TransportResponse, data: Buffer | undefined, doing?: string): BerthError {
    const err = statusError({
      context: this.#context,
      status: res.status,
      ...(data !== undefined ? { body: data } : {}),
      operation: res.operation,
    });
    return doing === undefined ? err : new BerthError(err.category, this.#context, `${doing}: ${err.detail}`);
  }

  /** "127.0.0.1:5000/x/y", or with ":tag" / "@digest" */
  #name(repo: string, reference?: string): string {
    return displayName(this.endpoint.name, repo, reference);
  }

  #manifestNotFound(repo: string, reference: string): BerthError {
    return notFound('', `manifest for ${this.#name(repo, reference)} not found`);
  }

  #checkManifestDigest(repo: string, reference: string, computed: string, header: string | undefined): void {
    const name = this.#name(repo, reference);
    if (isDigest(reference) && computed !== reference) {
      throw internal(this.#context, `manifest ${name} does not match its digest (got ${computed})`);
    }
    if (header !== undefined && header.startsWith('sha256:') && header !== computed) {
      throw internal(this.#context, `manifest ${name}: registry says digest ${header}, content has ${computed}`);
    }
  }
}

/**
 * The body of an error answer, for its message: best effort, since it only
 * explains. Not read for 416, whose Content-Length may describe the blob.
 */
async function errorBody(res: TransportResponse): Promise<Buffer | undefined> {
  const declared = res.contentLength;
  if (res.status === 416 || (declared !== undefined && declared > ERROR_BODY_LIMIT)) {
    res.discard();
    return undefined;
  }
  try {
    return await res.bytes(ERROR_BODY_LIMIT);
  } catch {
    return undefined;
  }
}

/** The media type of a fetched manifest: Content-Type, or the document's own mediaType field. */
function manifestMediaType(contentType: string | undefined, bytes: Buffer): string {
  const ct = contentType?.split(';')[0]?.trim() ?? '';
  if (ct !== '' && ct !== 'application/json' && ct !== 'text/plain' && ct !== 'application/octet-stream') return ct;
  try {
    const parsed: unknown = JSON.parse(bytes.toString('utf8'));
    if (typeof parsed === 'object' && parsed !== null && 'mediaType' in parsed && typeof parsed.mediaType === 'string') {
      return parsed.mediaType;
    }
  } catch {
    // Not JSON: the parser downstream says so.
  }
  return ct;
}

function parseTagList(data: Buffer, context: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(data.toString('utf8'));
  } catch {
    throw unavailable(context, 'tag list is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null) throw unavailable(context, 'tag list is not a JSON object');
  const tags: unknown = 'tags' in parsed ? parsed.tags : null;
  if (tags === null || tags === undefined) return [];
  if (!Array.isArray(tags) || !tags.every((t): t is string => typeof t === 'string')) {
    throw unavailable(context, 'tag list has a bad "tags" field');
  }
  return tags;
}

/** The target of `Link: <…>; rel="next"`, or undefined. */
export function nextLink(values: readonly string[]): string | undefined {
  for (const value of values) {
    for (const part of value.split(/,(?=\s*<)/)) {
      const m = /^\s*<([^>]*)>(.*)$/.exec(part);
      if (m && /;\s*rel="?next"?/i.test(m[2] ?? '')) return m[1];
    }
  }
  return undefined;
}

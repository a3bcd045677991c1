/**
 * HTTP for the registry client, on node:http/node:https and nothing else.
 *
 * One transport per registry: keep-alive agents (so a pull's many blob
 * requests reuse connections), one timeout that covers connecting and every
 * silence while waiting for an answer, redirects (blob GETs are sent on to
 * storage), and the plain-HTTP rule of endpoint.ts applied to every URL,
 * including redirect targets and token realms.
 *
 * What the transport does not do: retries and authentication, which need
 * to know what the request means (client.ts and authorizer.ts do them).
 */
import { readFileSync } from 'node:fs';
import http, { type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import https from 'node:https';
import { Transform, type Readable, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { rootCertificates } from 'node:tls';

import { BerthError, errnoCode, failedPrecondition, internal, unavailable } from '../../errors.js';
import type { InsecureRegistries } from './endpoint.js';

export type RequestBody = Buffer | (() => Readable | Promise<Readable>);

export interface TransportOptions {
  insecure: InsecureRegistries;
  /** Extra trusted CA certificates (PEM), added to Node's bundled set. */
  ca?: string | Buffer | readonly (string | Buffer)[];
  /** How long to wait for a connection, and for each next piece of an answer. */
  timeoutMs: number;
  maxRedirects: number;
  userAgent: string;
}

export interface TransportRequest {
  method: string;
  url: URL;
  headers?: Record<string, string>;
  body?: RequestBody;
  /** Length of a streamed body: sent as Content-Length and checked against what the stream gives. */
  bodyLength?: number;
  /**
   * The caller streams the answer's body at its own pace: the idle timeout
   * ends when the headers arrive (the caller keeps its own), so a slow
   * consumer is not mistaken for a silent registry.
   */
  stream?: boolean;
  /** Default true. */
  followRedirects?: boolean;
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
/** Bodies up to this size are read to the end when discarded, so the connection can be reused. */
const DRAIN_LIMIT = 64 * 1024;

export function formatDuration(ms: number): string {
  return ms % 1000 === 0 ? `${ms / 1000}s` : `${ms}ms`;
}

export class TransportResponse {
  constructor(
    readonly method: string,
    readonly status: number,
    readonly headers: IncomingHttpHeaders,
    /** Where the answer came from, after redirects. */
    readonly url: URL,
    readonly body: IncomingMessage,
    readonly operation: string,
    private readonly failure: () => BerthError | undefined,
    private readonly context: string,
  ) {}

  header(name: string): string | undefined {
    const v = this.headers[name.toLowerCase()];
    return Array.isArray(v) ? v[0] : v;
  }

  /** Every value of a header that may repeat (WWW-Authenticate, Link). */
  headerValues(name: string): string[] {
    return this.body.headersDistinct[name.toLowerCase()] ?? [];
  }

  get contentLength(): number | undefined {
    const v = this.header('content-length');
    return v !== undefined && /^\d+$/.test(v) ? Number(v) : undefined;
  }

  /** The whole body, refusing more than `limit` bytes. */
  async bytes(limit: number): Promise<Buffer> {
    if (this.method === 'HEAD' || this.status === 204 || this.status === 304) {
      // No body, whatever Content-Length says (it describes the GET).
      this.body.resume();
      return Buffer.alloc(0);
    }
    const declared = this.contentLength;
    if (declared !== undefined && declared > limit) {
      this.body.destroy();
      throw internal(this.context, `answer to ${this.operation} is ${declared} bytes, more than the ${limit} allowed`);
    }
    const chunks: Buffer[] = [];
    let size = 0;
    try {
      for await (const chunk of this.body) {
        const buf = chunk as Buffer;
        size += buf.length;
        if (size > limit) {
          this.body.destroy();
          throw internal(this.context, `answer to ${this.operation} is more than the ${limit} bytes allowed`);
        }
        chunks.push(buf);
      }
    } catch (err) {
      if (err instanceof BerthError) throw err;
      throw (
        this.failure() ??
        new BerthError('Unavailable', this.context, `connection closed before the answer to ${this.operation} was read`, {
          cause: err,
        })
      );
    }
    if (declared !== undefined && size < declared) {
      throw unavailable(this.context, `answer to ${this.operation} truncated: got ${size} of ${declared} bytes`);
    }
    return Buffer.concat(chunks);
  }

  /** Lets go of the body: small ones are drained so the connection is reused, others cut. */
  discard(): void {
    if (this.body.readableEnded || this.body.destroyed) return;
    const len = this.contentLength;
    // A body already received (complete) must still be read out: the
    // connection goes back to the pool only at its 'end'.
    const bodiless = this.method === 'HEAD' || this.status === 204 || this.status === 304;
    if (bodiless || this.body.complete || (len !== undefined && len <= DRAIN_LIMIT)) {
      this.body.on('error', () => {});
      this.body.resume();
    } else {
      this.body.destroy();
    }
  }
}

/** Counts a streamed upload; fails it when it is not exactly `expected` bytes. */
class LengthCheck extends Transform {
  #seen = 0;
  constructor(
    private readonly expected: number,
    private readonly context: string,
  ) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.#seen += chunk.length;
    if (this.#seen > this.expected) done(this.mismatch('more'));
    else done(null, chunk);
  }
  override _flush(done: TransformCallback): void {
    done(this.#seen === this.expected ? null : this.mismatch('fewer'));
  }
  private mismatch(which: string): BerthError {
    return new BerthError('InvalidArgument', this.context, `upload body has ${which} bytes than the ${this.expected} announced`);
  }
}

/**
 * Node's bundled CAs, those of NODE_EXTRA_CA_CERTS, and `extra`: giving
 * `ca` to an agent replaces Node's default set, which already holds the
 * first two, so they are put back explicitly.
 */
function trustedCas(extra: string | Buffer | readonly (string | Buffer)[]): (string | Buffer)[] {
  const out: (string | Buffer)[] = [...rootCertificates];
  const file = process.env['NODE_EXTRA_CA_CERTS'];
  if (file !== undefined && file !== '') {
    try {
      out.push(readFileSync(file));
    } catch {
      // Node itself only warns about an unreadable NODE_EXTRA_CA_CERTS.
    }
  }
  if (typeof extra === 'string' || Buffer.isBuffer(extra)) out.push(extra);
  else out.push(...(extra as readonly (string | Buffer)[]));
  return out;
}

/** OpenSSL and Node codes for a certificate we do not trust. */
const CERT_CODES =
  /^(CERT_|UNABLE_TO_|DEPTH_ZERO_SELF_SIGNED_CERT|SELF_SIGNED_CERT_IN_CHAIN|ERR_TLS_CERT_ALTNAME_INVALID|HOSTNAME_MISMATCH)/;

export class HttpTransport {
  readonly #httpAgent: http.Agent;
  readonly #httpsAgent: https.Agent;
  /** For hosts listed as insecure: TLS without certificate checks, as dockerd does. */
  readonly #insecureAgent: https.Agent;

  constructor(
    /** "registry 127.0.0.1:5000": starts every error message. */
    readonly context: string,
    readonly options: TransportOptions,
  ) {
    const common = { keepAlive: true, maxSockets: 16, maxFreeSockets: 4 };
    this.#httpAgent = new http.Agent(common);
    this.#httpsAgent = new https.Agent({ ...common, ...(options.ca !== undefined ? { ca: trustedCas(options.ca) } : {}) });
    this.#insecureAgent = new https.Agent({ ...common, rejectUnauthorized: false });
  }

  /** Drops idle connections; requests still running finish. */
  close(): void {
    this.#httpAgent.destroy();
    this.#httpsAgent.destroy();
    this.#insecureAgent.destroy();
  }

  /** Throws unless `url` may be fetched: https, or http to a loopback or insecure host. */
  checkUrl(url: URL): void {
    if (url.protocol === 'https:') return;
    if (url.protocol !== 'http:') {
      throw failedPrecondition(this.context, `unsupported url scheme ${JSON.stringify(url.protocol)} in ${url.href}`);
    }
    if (!this.options.insecure.allowsPlainHttp(url.host)) {
      throw failedPrecondition(
        this.context,
        `refusing plain http to ${url.host}: only loopback hosts and insecure registries may use http (${url.origin})`,
      );
    }
  }

  async request(req: TransportRequest): Promise<TransportResponse> {
    let url = req.url;
    let method = req.method;
    const headers: Record<string, string> = {};
    for (const [k, v] of Object.entries(req.headers ?? {})) headers[k.toLowerCase()] = v;
    let body = req.body;
    for (let hops = 0; ; hops++) {
      const res = await this.#once(method, url, headers, body, req);
      const location = res.header('location');
      if (req.followRedirects === false || !REDIRECTS.has(res.status) || location === undefined) return res;
      res.discard();
      if (hops >= this.options.maxRedirects) {
        const max = this.options.maxRedirects;
        throw unavailable(this.context, `too many redirects (more than ${max}) for ${req.method} ${req.url.pathname}`);
      }
      let next: URL;
      try {
        next = new URL(location, url);
      } catch {
        throw unavailable(this.context, `invalid redirect location ${JSON.stringify(location)} from ${res.operation}`);
      }
      // Credentials are for the registry, never for the storage it sends us to.
      if (next.origin !== url.origin) delete headers['authorization'];
      if (res.status === 303 || ((res.status === 301 || res.status === 302) && method === 'POST')) {
        if (method !== 'HEAD') method = 'GET';
        body = undefined;
        delete headers['content-type'];
        delete headers['content-length'];
      }
      url = next;
    }
  }

  #agentFor(url: URL): http.Agent {
    if (url.protocol === 'http:') return this.#httpAgent;
    return this.options.insecure.has(url.host) ? this.#insecureAgent : this.#httpsAgent;
  }

  async #once(
    method: string,
    url: URL,
    headers: Record<string, string>,
    body: RequestBody | undefined,
    req: TransportRequest,
  ): Promise<TransportResponse> {
    this.checkUrl(url);
    const operation = `${method} ${url.pathname}`;
    const source = typeof body === 'function' ? await body() : undefined;
    const sendHeaders: Record<string, string> = { 'user-agent': this.options.userAgent, ...headers };
    if (Buffer.isBuffer(body)) sendHeaders['content-length'] = String(body.length);
    else if (source !== undefined && req.bodyLength !== undefined) sendHeaders['content-length'] = String(req.bodyLength);
    else if (source === undefined && (method === 'PUT' || method === 'POST' || method === 'PATCH')) {
      sendHeaders['content-length'] = '0';
    }

    return new Promise<TransportResponse>((resolve, reject) => {
      let failure: BerthError | undefined;
      let bodyError: unknown;
      const r = (url.protocol === 'https:' ? https : http).request(url, {
        method,
        headers: sendHeaders,
        agent: this.#agentFor(url),
        timeout: this.options.timeoutMs,
      });
      r.on('timeout', () => {
        failure = unavailable(this.context, `no response within ${formatDuration(this.options.timeoutMs)} (${operation})`);
        r.destroy(failure);
      });
      r.on('error', (err) => {
        if (bodyError === undefined) reject(failure ?? this.#connectionError(err, url, operation));
        else if (bodyError instanceof BerthError) reject(bodyError);
        else reject(internal(this.context, `reading the body of ${operation}`, bodyError));
      });
      r.on('response', (res) => {
        if (req.stream) r.setTimeout(0);
        const status = res.statusCode ?? 0;
        resolve(new TransportResponse(method, status, res.headers, url, res, operation, () => failure, this.context));
      });
      if (Buffer.isBuffer(body)) {
        r.end(body);
      } else if (source !== undefined) {
        source.on('error', (err) => (bodyError ??= err));
        const streams: (Readable | Transform)[] = [source];
        if (req.bodyLength !== undefined) {
          const check = new LengthCheck(req.bodyLength, this.context);
          check.on('error', (err) => (bodyError ??= err));
          streams.push(check);
        }
        pipeline([...streams, r]).catch(() => {
          // Reported through r's 'error' event above.
        });
      } else {
        r.end();
      }
    });
  }

  #connectionError(err: Error, url: URL, operation: string): BerthError {
    if (err instanceof BerthError) return err;
    const code = errnoCode(err) ?? '';
    const make = (detail: string) => new BerthError('Unavailable', this.context, detail, { cause: err });
    if (code === 'ECONNREFUSED') return make(`cannot connect to ${url.host}: connection refused`);
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return make(`cannot resolve ${url.hostname}`);
    if (code === 'ECONNRESET' || err.message === 'socket hang up') return make(`connection to ${url.host} reset (${operation})`);
    if (CERT_CODES.test(code)) {
      return new BerthError('FailedPrecondition', this.context, `tls: certificate of ${url.host} not trusted: ${err.message}`, {
        cause: err,
      });
    }
    if (code === 'EPROTO' || code.startsWith('ERR_SSL_')) return make(`tls handshake with ${url.host} failed: ${err.message}`);
    return make(`${operation} to ${url.host} failed: ${err.message}`);
  }
}

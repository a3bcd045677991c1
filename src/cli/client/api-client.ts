/**
 * The Docker Engine API over berthd's unix socket, with node:http and
 * nothing else. Every path gets the API version prefix; an error answer
 * becomes an ApiError carrying the status and the daemon's `message`.
 *
 *   const api = new ApiClient('/run/berth/berth.sock');
 *   const list = await api.json<ContainerSummary[]>('GET', '/containers/json', { query: { all: true } });
 *   const res = await api.request('GET', '/containers/web/logs', { query: { follow: true, stdout: true } });
 *   const conn = await api.hijack('POST', '/containers/web/attach', { query: { stream: true, stdin: true } });
 */
import http from 'node:http';
import type { Duplex } from 'node:stream';

import { ApiError, DaemonUnreachable } from '../errors.js';

export const API_VERSION = '1.44';

export type QueryValue = string | number | boolean | undefined | readonly string[];
export type Query = Record<string, QueryValue>;

export interface RequestOptions {
  query?: Query;
  /** a JSON body */
  json?: unknown;
  /** a raw body: a buffer or a stream (an archive to load, a tar to copy in) */
  body?: Buffer | NodeJS.ReadableStream;
  headers?: http.OutgoingHttpHeaders;
}

/** A connection the daemon handed over for raw bytes (attach, exec): what it sent after its headers is in `head`. */
export interface Hijacked {
  socket: Duplex;
  head: Buffer;
}

export class ApiClient {
  private ready: Promise<void> | undefined;

  /** `prepare` runs once, before the first request: it may start a daemon. */
  constructor(
    readonly socket: string,
    private readonly prepare?: (client: ApiClient) => Promise<void>,
  ) {}

  /** A 2xx response, its body unread; an error status becomes an ApiError. */
  async request(method: string, path: string, o: RequestOptions = {}): Promise<http.IncomingMessage> {
    await this.ensureReady();
    const res = await this.send(method, path, o, false);
    if (isHijacked(res)) throw new Error('unexpected connection upgrade');
    return res;
  }

  async json<T>(method: string, path: string, o: RequestOptions = {}): Promise<T> {
    const text = (await readAll(await this.request(method, path, o))).toString('utf8');
    return (text.trim() === '' ? undefined : JSON.parse(text)) as T;
  }

  /** A request whose answer has no body worth reading (204, 201). */
  async call(method: string, path: string, o: RequestOptions = {}): Promise<void> {
    (await this.request(method, path, o)).resume();
  }

  /** Asks for a raw connection (`Connection: Upgrade`, `Upgrade: tcp`); the daemon answers 101. */
  async hijack(method: string, path: string, o: RequestOptions = {}): Promise<Hijacked> {
    await this.ensureReady();
    const res = await this.send(method, path, { ...o, headers: { ...o.headers, Connection: 'Upgrade', Upgrade: 'tcp' } }, true);
    if (!isHijacked(res)) {
      res.resume();
      throw new Error(`the daemon did not upgrade the connection for ${path} (status ${res.statusCode})`);
    }
    return res;
  }

  /** True when something answers HTTP on the socket; false when nothing listens there. */
  ping(): Promise<boolean> {
    return this.send('GET', '/_ping', {}, false).then(
      (res) => {
        if (!isHijacked(res)) res.resume();
        return true;
      },
      (e: unknown) => !(e instanceof DaemonUnreachable),
    );
  }

  private ensureReady(): Promise<void> {
    this.ready ??= this.prepare ? this.prepare(this) : Promise.resolve();
    return this.ready;
  }

  private send(method: string, path: string, o: RequestOptions, upgrade: boolean): Promise<http.IncomingMessage | Hijacked> {
    return new Promise((resolve, reject) => {
      const headers: http.OutgoingHttpHeaders = { ...o.headers };
      let payload: Buffer | undefined;
      if (o.json !== undefined) {
        payload = Buffer.from(JSON.stringify(o.json));
        headers['Content-Type'] = 'application/json';
      } else if (Buffer.isBuffer(o.body)) {
        payload = o.body;
      }
      if (payload) headers['Content-Length'] = payload.length;
      const req = http.request({ socketPath: this.socket, method, path: versioned(path, o.query), headers, agent: false });
      let answered = false;
      req.on('error', (e: NodeJS.ErrnoException) => {
        // A body still being sent when the daemon has answered (and closed) is not the failure to report.
        if (!answered) reject(connectionError(e, this.socket));
      });
      req.on('response', (res) => {
        answered = true;
        if ((res.statusCode ?? 500) < 400) return resolve(res);
        readAll(res).then((b) => reject(new ApiError(res.statusCode ?? 500, errorMessage(b))), reject);
      });
      if (upgrade) {
        req.on('upgrade', (_res, socket, head) => {
          answered = true;
          resolve({ socket, head });
        });
      }
      if (o.body && !Buffer.isBuffer(o.body)) {
        const body = o.body;
        body.on('error', (e) => req.destroy(e));
        body.pipe(req);
      } else {
        req.end(payload);
      }
    });
  }
}

const isHijacked = (r: http.IncomingMessage | Hijacked): r is Hijacked => 'head' in r;

/** "/containers/json" + {all: true} → "/v1.44/containers/json?all=1". */
export function versioned(path: string, query: Query = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined) continue;
    if (Array.isArray(v)) for (const item of v as readonly string[]) q.append(k, item);
    else q.set(k, v === true ? '1' : v === false ? '0' : String(v));
  }
  const s = q.toString();
  return `/v${API_VERSION}${path}${s ? `?${s}` : ''}`;
}

/** `--filter a=b --filter a=c` → docker's `{"a":{"b":true,"c":true}}`; undefined when there are none. */
export function filtersParam(filters: readonly string[]): string | undefined {
  if (filters.length === 0) return undefined;
  const out: Record<string, Record<string, boolean>> = {};
  for (const f of filters) {
    const eq = f.indexOf('=');
    const [k, v] = eq < 0 ? [f, ''] : [f.slice(0, eq), f.slice(eq + 1)];
    (out[k.trim().toLowerCase()] ??= {})[v] = true;
  }
  return JSON.stringify(out);
}

export async function readAll(stream: AsyncIterable<unknown>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(Buffer.isBuffer(c) ? c : Buffer.from(c as string));
  return Buffer.concat(chunks);
}

function errorMessage(body: Buffer): string {
  const text = body.toString('utf8').trim();
  try {
    const parsed = JSON.parse(text) as { message?: unknown };
    if (typeof parsed.message === 'string') return parsed.message;
  } catch {
    // not JSON: the text itself is the message
  }
  return text;
}

function connectionError(e: NodeJS.ErrnoException, socket: string): Error {
  if (e.code === 'ENOENT' || e.code === 'ECONNREFUSED') {
    return new DaemonUnreachable(`Cannot connect to the berth daemon at unix://${socket}. Is the berth daemon running?`);
  }
  if (e.code === 'EACCES') {
    // Someone's daemon is there; starting another would not help.
    return new Error(`permission denied while trying to connect to the berth daemon socket at unix://${socket}`);
  }
  return e;
}

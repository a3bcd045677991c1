/**
 * berthd's HTTP server: the Docker Engine API on a unix socket.
 *
 *   const d = await Berthd.start({ socket: '/run/berth/berth.sock', root: '/var/lib/berth', version });
 *   ...
 *   await d.close();   // stops listening, ends connections, removes the socket
 *
 * Every request goes parse → dispatch → reply; any error on the way is
 * answered as `{"message": …}` with the status of its category. Nothing a
 * client sends can throw out of a request handler.
 */
import { chmod, rm } from 'node:fs/promises';
import http, { type IncomingMessage, type ServerResponse } from 'node:http';

import { Duplex, PassThrough } from 'node:stream';

import { Engine } from '../engine/engine.js';
import { isBerthError } from '../errors.js';
import { API_VERSION } from './api-version.js';
import type { ApiContext } from './context.js';
import { dispatch } from './dispatch.js';
import { messageOf, statusOf } from './http-status.js';
import { parseRequest } from './parse-request.js';
import type { Reply } from './reply.js';
import { prepareSocket } from './unix-socket.js';
import { handleUpgrade } from './upgrade.js';

export interface BerthdOptions {
  /** the API socket's path */
  socket: string;
  /** berth's root (/var/lib/berth) */
  root: string;
  /** sockets, shims, bundles (/run/berth) */
  execRoot: string;
  /** the cgroup containers go under ("berth") */
  cgroupParent?: string;
  /** the default bridge's device ("berth0") and the nftables table ("berth") */
  bridge?: string;
  nftTable?: string;
  /** where the daemon's own log goes, reported by /info */
  daemonLog?: string;
  /** berth's version, reported by /version and /info */
  version: string;
  /** the OCI runtime binary, reported by /info */
  runtimePath?: string;
  insecureRegistries?: string[];
  /** one line per event worth a log line (start, stop, server errors) */
  log?: (line: string) => void;
}

export class Berthd {
  private constructor(
    private readonly server: http.Server,
    private readonly ctx: ApiContext,
    readonly socket: string,
  ) {}

  static async start(options: BerthdOptions): Promise<Berthd> {
    const log = options.log ?? (() => {});
    const insecureRegistries = options.insecureRegistries ?? [];
    const engine = await Engine.open({
      root: options.root,
      execRoot: options.execRoot,
      insecureRegistries,
      log,
      ...(options.cgroupParent ? { cgroupParent: options.cgroupParent } : {}),
      ...(options.bridge ? { bridge: options.bridge } : {}),
      ...(options.nftTable ? { nftTable: options.nftTable } : {}),
    });
    const images = engine.images;
    const ctx: ApiContext = {
      engine,
      images,
      root: options.root,
      version: options.version,
      runtimePath: options.runtimePath ?? 'berth-runtime',
      insecureRegistries,
      ...(options.daemonLog ? { daemonLog: options.daemonLog } : {}),
    };
    const server = http.createServer((req, res) => {
      handle(ctx, req, res, log).catch((e: unknown) => {
        log(`internal error answering ${req.method} ${req.url}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        res.destroy();
      });
    });
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      handleUpgrade(ctx, req, socket, head, log).catch((e: unknown) => {
        log(`internal error answering ${req.method} ${req.url}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        socket.destroy();
      });
    });
    // Large archives take their time; the default 5-minute request timeout would cut a slow load.
    server.requestTimeout = 0;
    try {
      await prepareSocket(options.socket);
      await new Promise<void>((resolve, reject) => {
        server.once('error', reject);
        server.listen(options.socket, () => {
          server.off('error', reject);
          resolve();
        });
      });
      // Owner and group (docker's convention: the socket's group may use it).
      await chmod(options.socket, 0o660);
    } catch (e) {
      server.close();
      await engine.close();
      throw e;
    }
    log(`berthd ${options.version} listening on unix://${options.socket} (root ${options.root}, API ${API_VERSION})`);
    return new Berthd(server, ctx, options.socket);
  }

  /** Stops listening, ends open connections (streams included), removes the socket. */
  async close(): Promise<void> {
    const closed = new Promise<void>((resolve) => this.server.close(() => resolve()));
    this.server.closeAllConnections();
    await closed;
    await rm(this.socket, { force: true });
    await this.ctx.engine.close();
  }
}

/** Headers of every answer: the API version lets a client negotiate before its first real call. */
export function commonHeaders(res: ServerResponse, version: string): void {
  res.setHeader('Api-Version', API_VERSION);
  res.setHeader('Docker-Experimental', 'false');
  res.setHeader('Ostype', 'linux');
  res.setHeader('Server', `Berth/${version} (linux)`);
}

async function handle(ctx: ApiContext, req: IncomingMessage, res: ServerResponse, log: (line: string) => void): Promise<void> {
  commonHeaders(res, ctx.version);
  // A client that goes away mid-stream makes writes fail; that is not the daemon's error.
  res.on('error', () => {});
  try {
    const action = await parseRequest(req);
    if (action.kind === 'ping') {
      res.setHeader('Builder-Version', '1');
      res.setHeader('Cache-Control', 'no-cache, no-store, must-revalidate');
      res.setHeader('Pragma', 'no-cache');
    }
    await send(res, await dispatch(ctx, action));
  } catch (e) {
    const status = statusOf(e);
    if (status >= 500) log(`${req.method} ${req.url}: ${status} ${isBerthError(e) && e.category !== 'Internal' ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    if (res.headersSent) {
      res.destroy();
      return;
    }
    // Answer only once the client has sent its whole body: Node closes a
    // connection whose request is still arriving when the response ends, and
    // the client, still writing, would see a broken pipe instead of this error.
    if (!req.complete && !(await drain(req))) return;
    const body = Buffer.from(`${JSON.stringify({ message: messageOf(e) })}\n`);
    res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': body.length });
    res.end(body);
  }
}

/** How much of a refused request's body is read and dropped before the connection is cut. */
const DRAIN_LIMIT = 64 * 1024 * 1024;

/**
 * Reads and drops the rest of a refused request's body. Resolves true when
 * it has all arrived; false when the client sends on and on (past
 * DRAIN_LIMIT) or goes away, and the connection is then cut.
 */
function drain(req: IncomingMessage): Promise<boolean> {
  return new Promise((resolve) => {
    let seen = 0;
    req.on('data', (chunk: Buffer) => {
      seen += chunk.length;
      if (seen > DRAIN_LIMIT) {
        req.socket.destroy();
        resolve(false);
      }
    });
    req.on('end', () => resolve(true));
    req.on('error', () => resolve(false));
    req.on('close', () => resolve(req.complete));
    req.resume();
  });
}

export async function send(res: ServerResponse, reply: Reply): Promise<void> {
  switch (reply.type) {
    case 'json': {
      const body = Buffer.from(`${JSON.stringify(reply.body)}\n`);
      res.writeHead(reply.status ?? 200, { 'Content-Type': 'application/json', 'Content-Length': body.length });
      res.end(body);
      return;
    }
    case 'text':
      res.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(reply.body) });
      res.end(reply.body);
      return;
    case 'empty':
      res.writeHead(reply.status, { 'Content-Length': 0 });
      res.end();
      return;
    case 'stream':
      await reply.run(res);
      if (!res.writableEnded && !res.destroyed) res.end();
      return;
    case 'hijack': {
      // A client that did not ask to upgrade gets the output as a plain
      // streamed response; it has no way to send input.
      res.writeHead(200, { 'Content-Type': reply.contentType });
      res.flushHeaders();
      await reply.run(outputOnly(res));
      return;
    }
  }
}

function outputOnly(res: ServerResponse): Duplex {
  const conn = new PassThrough();
  conn.end();
  const duplex = Duplex.from({ readable: conn, writable: res });
  res.on('close', () => duplex.destroy());
  return duplex;
}

/**
 * Requests that ask to take over the connection (`Connection: Upgrade`,
 * `Upgrade: tcp`): the docker CLI's attach and exec start. Node hands these
 * over raw, before reading any body, so the (small JSON) body is read here
 * from what arrived with the headers and from the socket, by Content-Length.
 * After `101 UPGRADED` the socket belongs to the handler.
 */
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import { Readable, type Duplex } from 'node:stream';

import { isBerthError } from '../errors.js';
import { API_VERSION } from './api-version.js';
import type { ApiContext } from './context.js';
import { dispatch } from './dispatch.js';
import { messageOf, statusOf } from './http-status.js';
import { JSON_BODY_LIMIT } from './json-body.js';
import { parseRequest } from './parse-request.js';

export async function handleUpgrade(ctx: ApiContext, req: IncomingMessage, socket: Duplex, head: Buffer, log: (line: string) => void): Promise<void> {
  socket.on('error', () => {});
  const headers = (extra: Record<string, string | number>) =>
    Object.entries({ 'Api-Version': API_VERSION, 'Docker-Experimental': 'false', Ostype: 'linux', Server: `Berth/${ctx.version} (linux)`, ...extra })
      .map(([k, v]) => `${k}: ${v}\r\n`)
      .join('');
  try {
    const body = await readBody(req, socket, head);
    const request = Object.assign(Readable.from(body.length > 0 ? [body] : []), { url: req.url, method: req.method, headers: req.headers });
    const reply = await dispatch(ctx, await parseRequest(request as unknown as IncomingMessage));
    if (reply.type === 'hijack') {
      socket.write(`HTTP/1.1 101 UPGRADED\r\n${headers({ 'Content-Type': reply.contentType, Connection: 'Upgrade', Upgrade: 'tcp' })}\r\n`);
      await reply.run(socket);
      return;
    }
    if (reply.type === 'stream') throw new Error(`${req.url}: a streamed answer cannot go to an upgraded connection`);
    const status = reply.type === 'empty' ? reply.status : reply.type === 'json' ? (reply.status ?? 200) : 200;
    const payload = reply.type === 'json' ? Buffer.from(`${JSON.stringify(reply.body)}\n`) : reply.type === 'text' ? Buffer.from(reply.body) : Buffer.alloc(0);
    socket.end(Buffer.concat([Buffer.from(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n${headers({ 'Content-Type': 'application/json', 'Content-Length': payload.length })}\r\n`), payload]));
  } catch (e) {
    const status = statusOf(e);
    if (status >= 500) log(`${req.method} ${req.url}: ${status} ${isBerthError(e) ? e.message : e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    const payload = Buffer.from(`${JSON.stringify({ message: messageOf(e) })}\n`);
    socket.end(Buffer.concat([Buffer.from(`HTTP/1.1 ${status} ${STATUS_CODES[status] ?? ''}\r\n${headers({ 'Content-Type': 'application/json', 'Content-Length': payload.length })}\r\n`), payload]));
  }
}

/** The request body (Content-Length bytes); bytes past it are given back to the socket for the handler. */
function readBody(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<Buffer> {
  const length = Number(req.headers['content-length'] ?? '0');
  if (!Number.isFinite(length) || length < 0 || length > JSON_BODY_LIMIT) return Promise.reject(new Error('bad Content-Length'));
  let data = head;
  if (data.length >= length) {
    if (data.length > length) socket.unshift(data.subarray(length));
    return Promise.resolve(data.subarray(0, length));
  }
  return new Promise((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      data = Buffer.concat([data, chunk]);
      if (data.length < length) return;
      socket.off('data', onData);
      socket.off('end', onEnd);
      socket.pause();
      if (data.length > length) socket.unshift(data.subarray(length));
      resolve(data.subarray(0, length));
    };
    const onEnd = () => reject(new Error('connection closed before the request body arrived'));
    socket.on('data', onData);
    socket.on('end', onEnd);
  });
}

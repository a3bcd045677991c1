/**
 * A stand-in daemon for client tests: an HTTP server on a unix socket in a
 * temp directory that records each request and answers through `handle`,
 * and takes connection upgrades through `upgrade`.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import type { Duplex } from 'node:stream';
import { tmpdir } from 'node:os';
import path from 'node:path';

export interface Recorded {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface FakeDaemon {
  socket: string;
  requests: Recorded[];
  close(): Promise<void>;
}

export async function fakeDaemon(
  handle: (req: Recorded, res: http.ServerResponse) => void,
  upgrade?: (req: http.IncomingMessage, socket: Duplex, head: Buffer) => void,
): Promise<FakeDaemon> {
  const dir = mkdtempSync(path.join(tmpdir(), 'berth-test-cli-'));
  const socket = path.join(dir, 'd.sock');
  const requests: Recorded[] = [];
  const server = http.createServer((req, res) => {
    let body = '';
    req.on('data', (d: Buffer) => (body += d.toString()));
    req.on('end', () => {
      const r = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      requests.push(r);
      handle(r, res);
    });
  });
  if (upgrade) {
    server.on('upgrade', (req: http.IncomingMessage, sock: Duplex, head: Buffer) => {
      requests.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: '' });
      upgrade(req, sock, head);
    });
  }
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  return {
    socket,
    requests,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function frame(stream: number, text: string): Buffer {
  const payload = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = stream;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

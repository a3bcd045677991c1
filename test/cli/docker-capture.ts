/**
 * What the real docker CLI sends: a stand-in daemon on a unix socket that
 * answers just enough (/_ping, create, inspect, exec, start) and records
 * every request, and a runner of `docker` pointed at it with DOCKER_HOST.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';

export const DOCKER = '/usr/local/bin/docker';

export interface Captured {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}

export interface Capture {
  /** runs docker with these arguments; resolves with what it sent and how it ended */
  docker(args: string[], env?: NodeJS.ProcessEnv, cwd?: string): Promise<{ requests: Captured[]; code: number; stderr: string }>;
  close(): Promise<void>;
}

export async function startCapture(): Promise<Capture> {
  const dir = mkdtempSync(path.join(tmpdir(), 'berth-test-capture-'));
  const socket = path.join(dir, 'docker.sock');
  let requests: Captured[] = [];
  const server = http.createServer((req, res) => {
    let text = '';
    req.on('data', (d: Buffer) => (text += d.toString()));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const p = url.pathname.replace(/^\/v[\d.]+/, '');
      requests.push({ method: req.method ?? '', path: p, query: url.searchParams, body: text ? JSON.parse(text) : undefined });
      res.setHeader('Api-Version', '1.44');
      res.setHeader('Ostype', 'linux');
      const json = (status: number, body: unknown) => {
        res.writeHead(status, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (p === '/_ping') return void res.end('OK');
      if (p === '/containers/create') return json(201, { Id: 'c0ffee', Warnings: [] });
      if (/^\/containers\/[^/]+\/json$/.test(p)) return json(200, { Id: 'c0ffee', State: { Running: true }, Config: { Tty: false, OpenStdin: false }, HostConfig: {} });
      if (/^\/containers\/[^/]+\/exec$/.test(p)) return json(201, { Id: 'e0' });
      if (/\/start$/.test(p)) return void res.writeHead(204).end();
      json(500, { message: 'not part of the capture' });
    });
  });
  await new Promise<void>((resolve) => server.listen(socket, resolve));
  return {
    docker: (args, env = {}, cwd = dir) =>
      new Promise((resolve, reject) => {
        requests = [];
        const child = spawn(DOCKER, args, {
          cwd,
          env: { PATH: process.env['PATH'] ?? '', HOME: dir, DOCKER_CONFIG: path.join(dir, 'config'), ...env, DOCKER_HOST: `unix://${socket}` },
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        let stderr = '';
        child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
        child.on('error', reject);
        child.on('exit', (code) => resolve({ requests, code: code ?? -1, stderr }));
      }),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/**
 * The Engine API calls behind the network benchmark's commands, made by the
 * harness over the daemon's unix socket and timed one by one (engine-api.ts
 * has the calls themselves, and `run --rm` with or without a network):
 *
 *   apiPublish  create with a published port, start, then the first HTTP 200
 *
 * and waitHttp200, the probe both the CLI rows and these use: GET / on
 * 127.0.0.1:PORT again and again until one answers 200 with the expected body.
 */
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

import { call, now, ok, type Phases, type Reply } from './engine-api.js';


/** One GET of http://127.0.0.1:port/ (no keep-alive): the status and body, or undefined on any error or after `timeoutMs`. */
function get(port: number, host: string, timeoutMs: number): Promise<Reply | undefined> {
  return new Promise((resolve) => {
    const req = http.get({ host, port, path: '/', agent: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', () => resolve(undefined));
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(undefined));
  });
}

/**
 * Polls until GET / answers 200 with `body`, every `intervalMs`; each try
 * gives up after 250 ms (a SYN lost to a full accept queue would otherwise
 * cost a second). Resolves with the time it got the answer (now()).
 */
export async function waitHttp200(port: number, body: string, deadlineMs: number, host = '127.0.0.1', intervalMs = 5): Promise<number> {
  const end = now() + deadlineMs;
  let last = 'no answer';
  for (;;) {
    const r = await get(port, host, 250);
    if (r?.status === 200 && r.body === body) return now();
    if (r) last = `HTTP ${r.status}: ${r.body.slice(0, 80)}`;
    if (now() > end) throw new Error(`no HTTP 200 from ${host}:${port} within ${deadlineMs} ms (last: ${last})`);
    await sleep(intervalMs);
  }
}

/**
 * create (ExposedPorts, PortBindings 80/tcp → hostPort on all addresses,
 * as `-p HOSTPORT:80`), start, then the first HTTP 200 on 127.0.0.1. Returns
 * the phases and the container's id (the caller removes it).
 */
export async function apiPublish(
  socket: string,
  image: string,
  cmd: string[],
  hostPort: number,
  body: string,
): Promise<{ phases: Phases; id: string; marks: { t0: number; t1: number; t2: number; t3: number } }> {
  const t0 = now();
  const created = await ok(
    call(socket, 'POST', '/containers/create', {
      Image: image,
      Cmd: cmd,
      ExposedPorts: { '80/tcp': {} },
      HostConfig: { PortBindings: { '80/tcp': [{ HostIp: '', HostPort: String(hostPort) }] } },
    }).reply,
    'create',
  );
  const id = (JSON.parse(created) as { Id: string }).Id;
  const t1 = now();
  await ok(call(socket, 'POST', `/containers/${id}/start`).reply, 'start');
  const t2 = now();
  const t3 = await waitHttp200(hostPort, body, 10_000);
  return { phases: { create: t1 - t0, start: t2 - t1, 'start returned → first HTTP 200': t3 - t2, total: t3 - t0 }, id, marks: { t0, t1, t2, t3 } };
}

/** The container's address on its first network, from inspect. */
export async function apiContainerIp(socket: string, id: string): Promise<string> {
  const j = JSON.parse(await ok(call(socket, 'GET', `/containers/${id}/json`).reply, 'inspect')) as {
    NetworkSettings?: { IPAddress?: string; Networks?: Record<string, { IPAddress?: string }> };
  };
  const ip = j.NetworkSettings?.IPAddress || Object.values(j.NetworkSettings?.Networks ?? {})[0]?.IPAddress;
  if (!ip) throw new Error(`no address for container ${id}`);
  return ip;
}

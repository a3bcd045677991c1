/**
 * The Engine API calls behind the network benchmark's commands, made by the
 * harness over the daemon's unix socket and timed one by one (engine-api.ts
 * does the same for containers with --network none):
 *
 *   apiPublish  create with a published port, start, then the first HTTP 200
 *   apiRunBridge  `run --rm IMAGE true` on the default bridge
 *
 * and waitHttp200, the probe both the CLI rows and these use: GET / on
 * 127.0.0.1:PORT again and again until one answers 200 with the expected body.
 */
import http from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';

const TIMEOUT_MS = 30_000;

export const now = (): number => Number(process.hrtime.bigint()) / 1e6;

interface Reply {
  status: number;
  body: string;
}

function call(socket: string, method: string, path: string, body?: unknown): { headers: Promise<void>; reply: Promise<Reply> } {
  let gotHeaders: () => void = () => {};
  const headers = new Promise<void>((resolve) => (gotHeaders = resolve));
  const reply = new Promise<Reply>((resolve, reject) => {
    const data = body === undefined ? undefined : JSON.stringify(body);
    const req = http.request(
      {
        socketPath: socket,
        method,
        path,
        agent: false,
        headers: data === undefined ? { 'Content-Length': 0 } : { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(data) },
      },
      (res) => {
        gotHeaders();
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.setTimeout(TIMEOUT_MS, () => req.destroy(new Error(`no answer in ${TIMEOUT_MS} ms: ${method} ${path}`)));
    req.end(data);
  });
  reply.catch(() => {});
  return { headers, reply };
}

async function ok(r: Promise<Reply>, what: string, expect = [200, 201, 204]): Promise<string> {
  const { status, body } = await r;
  if (!expect.includes(status)) throw new Error(`${what}: HTTP ${status}: ${body.trim().slice(0, 500)}`);
  return body;
}

export type Phases = Record<string, number>;

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

/** create (AutoRemove, the default network), wait?condition=removed, start, the wait's answer. */
export async function apiRunBridge(socket: string, image: string): Promise<Phases> {
  const t0 = now();
  const created = await ok(call(socket, 'POST', '/containers/create', { Image: image, Cmd: ['true'], HostConfig: { AutoRemove: true } }).reply, 'create');
  const id = (JSON.parse(created) as { Id: string }).Id;
  const t1 = now();
  const wait = call(socket, 'POST', `/containers/${id}/wait?condition=removed`);
  await wait.headers;
  const t2 = now();
  await ok(call(socket, 'POST', `/containers/${id}/start`).reply, 'start');
  const t3 = now();
  const result = JSON.parse(await ok(wait.reply, 'wait')) as { StatusCode: number };
  const t4 = now();
  if (result.StatusCode !== 0) throw new Error(`container ${id} exited with ${result.StatusCode}`);
  return { create: t1 - t0, 'wait registered': t2 - t1, start: t3 - t2, 'exit and removal': t4 - t3, total: t4 - t0 };
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

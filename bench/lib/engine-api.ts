/**
 * The Docker Engine API calls behind `run --rm IMAGE true` and `exec ID
 * true`, made by the harness itself over the daemon's unix socket and timed
 * one by one. Against berthd and dockerd alike, they split a CLI's time
 * into what the daemon spends (create, start, exit and removal) and what
 * the CLI adds (its own start-up, attach, the other requests).
 */
import http from 'node:http';

const TIMEOUT_MS = 30_000;

export interface Reply {
  status: number;
  body: string;
}

/** Sends one request; resolves with its reply once the response has ended. `headers` resolves as soon as the status line is in. */
export function call(socket: string, method: string, path: string, body?: unknown): { headers: Promise<void>; reply: Promise<Reply> } {
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
  reply.catch(() => {}); // awaited by the caller, or dropped with an error already thrown
  return { headers, reply };
}

export async function ok(r: Promise<Reply>, what: string, expect = [200, 201, 204]): Promise<string> {
  const { status, body } = await r;
  if (!expect.includes(status)) throw new Error(`${what}: HTTP ${status}: ${body.trim().slice(0, 500)}`);
  return body;
}

export const now = (): number => Number(process.hrtime.bigint()) / 1e6;

/** ms per phase, and `total`. */
export type Phases = Record<string, number>;

/**
 * create (AutoRemove, no attach; `network` none by default, undefined for
 * the engine's default bridge), then wait?condition=removed (its headers
 * come back once the daemon waits), start, and the wait's answer: the
 * container has exited and is gone.
 */
export async function apiRun(socket: string, image: string, network: string | undefined = 'none'): Promise<Phases> {
  const t0 = now();
  const hostConfig = network === undefined ? { AutoRemove: true } : { AutoRemove: true, NetworkMode: network };
  const created = await ok(call(socket, 'POST', '/containers/create', { Image: image, Cmd: ['true'], HostConfig: hostConfig }).reply, 'create');
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

/** exec create, exec start (not detached: the reply ends when the process has), exec inspect for the exit code. */
export async function apiExec(socket: string, container: string): Promise<Phases> {
  const t0 = now();
  const created = await ok(
    call(socket, 'POST', `/containers/${container}/exec`, { Cmd: ['true'], AttachStdout: true, AttachStderr: true }).reply,
    'exec create',
  );
  const id = (JSON.parse(created) as { Id: string }).Id;
  const t1 = now();
  await ok(call(socket, 'POST', `/exec/${id}/start`, { Detach: false, Tty: false }).reply, 'exec start');
  const t2 = now();
  const inspect = JSON.parse(await ok(call(socket, 'GET', `/exec/${id}/json`).reply, 'exec inspect')) as { ExitCode: number | null; Running: boolean };
  const t3 = now();
  if (inspect.Running || inspect.ExitCode !== 0) throw new Error(`exec ${id}: running ${inspect.Running}, exit code ${inspect.ExitCode}`);
  return { create: t1 - t0, 'start to end': t2 - t1, inspect: t3 - t2, total: t3 - t0 };
}

/** What `stats --no-stream` asks: the running containers, then every one's stats at once (not streamed, with a CPU interval: one-shot=false). */
export async function apiStats(socket: string, expect: number): Promise<Phases> {
  const t0 = now();
  const list = JSON.parse(await ok(call(socket, 'GET', '/containers/json').reply, 'list')) as { Id: string }[];
  const t1 = now();
  if (list.length !== expect) throw new Error(`${list.length} running containers, not ${expect}`);
  await Promise.all(list.map((c) => ok(call(socket, 'GET', `/containers/${c.Id}/stats?stream=false&one-shot=false`).reply, 'stats')));
  const t2 = now();
  return { list: t1 - t0, 'all stats': t2 - t1, total: t2 - t0 };
}

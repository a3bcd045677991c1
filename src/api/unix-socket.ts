import { lstat, mkdir, rm } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';

import { errnoCode, failedPrecondition, unavailable } from '../errors.js';

/**
 * Makes `socket` free to listen on: its directory exists, and a socket file
 * left by a daemon that died is removed, but only when nothing answers on
 * it; a live daemon's socket, or a file that is not a socket, is refused.
 */
export async function prepareSocket(socket: string): Promise<void> {
  await mkdir(path.dirname(socket), { recursive: true, mode: 0o755 });
  let st;
  try {
    st = await lstat(socket);
  } catch (e) {
    if (errnoCode(e) === 'ENOENT') return;
    throw e;
  }
  if (!st.isSocket()) throw failedPrecondition(`socket ${socket}`, 'exists and is not a socket; not removing it');
  if (await answers(socket)) throw unavailable(`socket ${socket}`, 'another daemon is listening on it');
  await rm(socket, { force: true });
}

/** True when something accepts a connection on the unix socket. */
export function answers(socket: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const conn = net.connect(socket);
    const done = (ok: boolean) => {
      conn.destroy();
      resolve(ok);
    };
    conn.setTimeout(timeoutMs, () => done(true)); // accepted but silent: still someone's
    conn.once('connect', () => done(true));
    conn.once('error', () => done(false));
  });
}

/** "unix:///run/berth/berth.sock" or a plain path → the path; other schemes are not served. */
export function socketPathOf(host: string): string {
  if (host.startsWith('unix://')) return host.slice('unix://'.length);
  if (host.startsWith('/')) return host;
  throw failedPrecondition(`host ${JSON.stringify(host)}`, 'berthd listens on a unix socket only (unix:///path)');
}

/**
 * The local terminal during a TTY session: raw mode (keys go to the
 * container as typed, ctrl-c included) restored on every way out, and the
 * container's TTY kept at the terminal's size.
 */
import { spawnSync } from 'node:child_process';
import { setTimeout as sleep } from 'node:timers/promises';

import type { ApiClient } from './api-client.js';

/**
 * Puts a terminal stdin in raw mode; returns what puts it back (also run
 * at exit, in case). Node's raw mode keeps output processing on, so the
 * container's "\r\n" would reach the screen as "\r\r\n"; docker's raw mode
 * turns it off, and so does this (stty -opost), restoring the saved state after.
 */
export function rawTerminal(stdin: NodeJS.ReadStream): () => void {
  if (!stdin.isTTY) return () => {};
  const stty = (args: string[]) => spawnSync('stty', args, { stdio: [stdin, 'pipe', 'ignore'] });
  const saved = stty(['-g']).stdout?.toString().trim();
  stdin.setRawMode(true);
  stty(['-opost']);
  const restore = () => {
    process.off('exit', restore);
    if (stdin.isRaw) stdin.setRawMode(false);
    if (saved) stty([saved]);
  };
  process.once('exit', restore);
  return restore;
}

/**
 * Sends the terminal's size to `resizePath` (`/containers/ID/resize` or
 * `/exec/ID/resize`) now and on every SIGWINCH. The first attempt is
 * retried a few times: right after start the process may not have its TTY
 * yet. Returns what stops watching.
 */
export function monitorTtySize(api: ApiClient, resizePath: string, out: NodeJS.WriteStream): () => void {
  if (!out.isTTY) return () => {};
  const resize = () => api.call('POST', resizePath, { query: { h: out.rows, w: out.columns } });
  void (async () => {
    for (let attempt = 0; attempt < 10; attempt++) {
      try {
        await resize();
        return;
      } catch {
        await sleep(10 * (attempt + 1));
      }
    }
  })();
  const onWinch = () => void resize().catch(() => {});
  process.on('SIGWINCH', onWinch);
  return () => process.off('SIGWINCH', onWinch);
}

/** The terminal's size as docker sends it in ConsoleSize: [height, width], or [0, 0] off a terminal. */
export function consoleSize(out: NodeJS.WriteStream): [number, number] {
  return out.isTTY ? [out.rows, out.columns] : [0, 0];
}

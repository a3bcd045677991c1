import type { ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

/**
 * What a handler answers. Streams write the response themselves; until
 * their first byte they may still throw, and the error is answered with
 * its own status like any other.
 *
 * A hijack takes over the connection (attach, exec start): after
 * `prepare` succeeds the server answers `101 UPGRADED` (or a 200 stream to
 * a client that did not ask to upgrade) and hands the raw connection to
 * `run`. Errors of `prepare` still get a status.
 */
export type Reply =
  | { type: 'json'; status?: number; body: unknown }
  | { type: 'text'; body: string }
  | { type: 'empty'; status: number }
  | { type: 'stream'; run: (res: ServerResponse) => Promise<void> }
  | { type: 'hijack'; contentType: string; run: (conn: Duplex) => Promise<void> };

export const json = (body: unknown, status?: number): Reply => (status === undefined ? { type: 'json', body } : { type: 'json', body, status });

export const MULTIPLEXED = 'application/vnd.docker.multiplexed-stream';
export const RAW_STREAM = 'application/vnd.docker.raw-stream';

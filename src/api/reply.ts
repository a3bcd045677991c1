import type { ServerResponse } from 'node:http';

/**
 * What a handler answers. Streams write the response themselves; until
 * their first byte they may still throw, and the error is answered with
 * its own status like any other.
 */
export type Reply =
  | { type: 'json'; status?: number; body: unknown }
  | { type: 'text'; body: string }
  | { type: 'empty'; status: number }
  | { type: 'stream'; run: (res: ServerResponse) => Promise<void> };

export const json = (body: unknown, status?: number): Reply => (status === undefined ? { type: 'json', body } : { type: 'json', body, status });

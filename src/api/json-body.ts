import type { IncomingMessage } from 'node:http';

import { invalidArgument } from '../errors.js';

/** The largest JSON body berthd reads; archives (load, import) stream and have no such limit. */
export const JSON_BODY_LIMIT = 1024 * 1024;

/**
 * Reads and parses a JSON request body; an empty body is `undefined`.
 * Listens rather than iterates: leaving a for-await loop early destroys the
 * request, and with it the socket, so a client still sending a body that
 * is too large would get a broken pipe instead of the 400.
 */
export function readJsonBody(req: IncomingMessage, limit = JSON_BODY_LIMIT): Promise<unknown> {
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > limit) return Promise.reject(tooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const fail = (e: unknown) => {
      if (!settled) reject(e);
      settled = true;
    };
    req.on('data', (chunk: Buffer) => {
      if (settled) return; // the rest is dropped; the server drains it after answering
      size += chunk.length;
      if (size > limit) fail(tooLarge(limit));
      else chunks.push(chunk);
    });
    req.on('error', fail);
    req.on('end', () => {
      if (settled) return;
      settled = true;
      const text = Buffer.concat(chunks).toString('utf8');
      if (text.trim() === '') return resolve(undefined);
      try {
        resolve(JSON.parse(text));
      } catch (e) {
        reject(invalidArgument('request body', `invalid JSON: ${e instanceof Error ? e.message : String(e)}`));
      }
    });
  });
}

const tooLarge = (limit: number) => invalidArgument('request body', `too large (limit ${limit / (1024 * 1024)} MiB)`);

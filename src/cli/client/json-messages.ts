/**
 * Docker's JSON-message streams (pull, push, load, import): one JSON object
 * per line. Progress (`{"id","status","progressDetail"}`) goes to the
 * progress renderer; `stream` text is printed as is; `aux` goes to the
 * caller; an `error` ends the stream as a StreamError, printed without
 * docker's "Error response from daemon" (the status was already 200).
 */
import type { Writable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

import { StreamError } from '../errors.js';
import type { ProgressSink } from '../output/progress.js';

export interface JsonMessage {
  id?: string;
  status?: string;
  stream?: string;
  progressDetail?: { current?: number; total?: number };
  aux?: unknown;
  error?: string;
  errorDetail?: { message?: string };
}

export async function displayJsonMessages(
  source: AsyncIterable<Buffer | string>,
  sink: ProgressSink,
  out: Writable,
  onAux?: (aux: unknown) => void,
): Promise<void> {
  try {
    for await (const line of lines(source)) {
      if (line.trim() === '') continue;
      let m: JsonMessage;
      try {
        m = JSON.parse(line) as JsonMessage;
      } catch {
        throw new StreamError(`unreadable message from the daemon: ${line.slice(0, 200)}`);
      }
      if (m.error !== undefined || m.errorDetail?.message !== undefined) throw new StreamError(m.errorDetail?.message ?? m.error ?? 'unknown error');
      if (m.aux !== undefined && onAux) onAux(m.aux);
      if (m.stream !== undefined) out.write(m.stream);
      if (m.status === undefined) continue;
      if (m.id) {
        const d = m.progressDetail ?? {};
        sink.update({ id: m.id, status: m.status, ...(d.current !== undefined ? { current: d.current } : {}), ...(d.total !== undefined ? { total: d.total } : {}) });
      } else {
        sink.line(m.status);
      }
    }
  } finally {
    sink.close();
  }
}

/** Splits a byte stream into lines, whatever the chunking. */
export async function* lines(source: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  const decoder = new StringDecoder('utf8'); // a character may be cut between chunks
  let rest = '';
  for await (const chunk of source) {
    rest += typeof chunk === 'string' ? chunk : decoder.write(chunk);
    let nl: number;
    while ((nl = rest.indexOf('\n')) >= 0) {
      yield rest.slice(0, nl);
      rest = rest.slice(nl + 1);
    }
  }
  if (rest !== '') yield rest;
}

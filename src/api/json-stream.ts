import type { ServerResponse } from 'node:http';

import type { ProgressEvent } from '../engine/images/progress.js';
import { messageOf } from './http-status.js';

/**
 * Docker's progress stream: newline-delimited JSON messages
 * (`{"status":"Downloading","progressDetail":{"current":N,"total":M},"id":"…"}`),
 * the status line and headers sent with the first message. An error after
 * that can no longer change the status, so it becomes the last message,
 * `{"errorDetail":{"message":…},"error":…}`, which clients print and fail on.
 */
export class JsonMessageStream {
  constructor(private readonly res: ServerResponse) {}

  get started(): boolean {
    return this.res.headersSent;
  }

  write(message: object): void {
    if (!this.res.headersSent) this.res.writeHead(200, { 'Content-Type': 'application/json' });
    if (!this.res.destroyed) this.res.write(`${JSON.stringify(message)}\n`);
  }

  progress(ev: ProgressEvent): void {
    const detail = ev.current !== undefined ? { current: ev.current, ...(ev.total !== undefined ? { total: ev.total } : {}) } : {};
    this.write({ status: ev.status, progressDetail: detail, ...(ev.id ? { id: ev.id } : {}) });
  }

  error(e: unknown): void {
    const message = messageOf(e);
    this.write({ errorDetail: { message }, error: message });
  }

  end(): void {
    if (!this.res.headersSent) this.res.writeHead(200, { 'Content-Type': 'application/json' });
    this.res.end();
  }
}

import type { Socket } from 'node:net';

import { ShimClient } from '../../runtime/shim/index.js';
import type { ContainerRecord } from './container.js';

interface Pending {
  resolve(socket: Socket): void;
  reject(e: unknown): void;
}

/**
 * Attach connections to a container's shim. The docker CLI attaches before
 * it starts a container (`docker run` without -d): such an attach waits here
 * and is connected once the shim exists, before the start gate opens, so
 * not one byte of output is missed.
 */
export class Attachments {
  private readonly pending = new Map<string, Pending[]>();

  /** A socket to the shim's attach.sock: now if the container runs, else at its next start. */
  connect(record: ContainerRecord, shimDir: string, running: boolean): Promise<Socket> {
    if (running) return new ShimClient(shimDir).attach();
    return new Promise((resolve, reject) => {
      const list = this.pending.get(record.id) ?? [];
      list.push({ resolve, reject });
      this.pending.set(record.id, list);
    });
  }

  async connectPending(record: ContainerRecord, shimDir: string): Promise<void> {
    const list = this.pending.get(record.id) ?? [];
    this.pending.delete(record.id);
    const client = new ShimClient(shimDir);
    const sockets: (Socket | undefined)[] = [];
    for (const p of list) sockets.push(await client.attach().catch((e: unknown) => (p.reject(e), undefined)));
    // Connected is not yet accepted: the container must not print before the shim serves these.
    if (list.length > 0) await client.ping();
    list.forEach((p, i) => {
      const s = sockets[i];
      if (s) p.resolve(s);
    });
  }

  failPending(record: ContainerRecord, e: unknown): void {
    const list = this.pending.get(record.id) ?? [];
    this.pending.delete(record.id);
    for (const p of list) p.reject(e);
  }
}

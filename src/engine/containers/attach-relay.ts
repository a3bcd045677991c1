import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';

export interface RelayOptions {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  /** terminal output is raw bytes; otherwise the shim sends Docker's 8-byte frames */
  tty: boolean;
  /** the client finished sending (docker's StdinOnce closes the container's stdin then) */
  onStdinEnd?: () => void;
  /** awaited after the shim closed the stream and before the client's connection ends */
  beforeEnd?: () => Promise<void>;
}

/**
 * Joins a client's connection (a hijacked API socket) to a shim's attach
 * socket. Frames pass through unchanged when the client wants both streams;
 * otherwise the unwanted stream's frames are dropped.
 */
export function relay(shim: Socket, client: Duplex, options: RelayOptions): Promise<void> {
  return new Promise((resolve) => {
    let finished = false;
    const finish = () => {
      if (finished) return;
      finished = true;
      shim.destroy();
      resolve();
    };
    const filter = !options.tty && !(options.stdout && options.stderr) ? new FrameFilter(options) : undefined;
    shim.on('data', (chunk: Buffer) => {
      const out = filter ? filter.push(chunk) : chunk;
      if (out.length > 0 && !client.write(out)) {
        shim.pause();
        client.once('drain', () => shim.resume());
      }
    });
    shim.on('error', () => {});
    shim.on('close', () => {
      void (options.beforeEnd?.() ?? Promise.resolve()).catch(() => {}).then(() => {
        client.end();
        finish();
      });
    });
    client.on('error', finish);
    client.on('close', finish);
    if (options.stdin) {
      client.on('data', (chunk: Buffer) => {
        if (!shim.write(chunk)) {
          client.pause();
          shim.once('drain', () => client.resume());
        }
      });
      client.on('end', () => options.onStdinEnd?.());
    }
    // A connection paused by its caller (input that came before the start) flows from here on.
    client.resume();
  });
}

/** Keeps only the frames of the streams asked for. */
class FrameFilter {
  private buffered: Buffer = Buffer.alloc(0);

  constructor(private readonly want: { stdout: boolean; stderr: boolean }) {}

  push(chunk: Buffer): Buffer {
    this.buffered = this.buffered.length > 0 ? Buffer.concat([this.buffered, chunk]) : chunk;
    const out: Buffer[] = [];
    while (this.buffered.length >= 8) {
      const size = this.buffered.readUInt32BE(4);
      if (this.buffered.length < 8 + size) break;
      const stream = this.buffered[0];
      if ((stream === 1 && this.want.stdout) || (stream === 2 && this.want.stderr)) out.push(this.buffered.subarray(0, 8 + size));
      this.buffered = this.buffered.subarray(8 + size);
    }
    return Buffer.concat(out);
  }
}

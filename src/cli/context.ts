/**
 * What a command works with: where the daemon is, a client for its API
 * (connecting on first use, starting a daemon when none answers on the
 * default socket), and the process's streams.
 */
import { ApiClient } from './client/api-client.js';
import { startDaemon } from './client/autostart.js';
import { endpointOf, execRootOf, type Endpoint } from './client/host.js';

export interface GlobalOptions {
  /** --root: passed to a daemon the CLI starts */
  root?: string;
  /** --exec-root */
  execRoot?: string;
  /** -H/--host */
  host?: string;
}

export class CliContext {
  readonly execRoot: string;
  readonly endpoint: Endpoint;
  private client: ApiClient | undefined;

  constructor(
    readonly options: GlobalOptions = {},
    readonly stdout: NodeJS.WriteStream = process.stdout,
    readonly stderr: NodeJS.WriteStream = process.stderr,
    readonly stdin: NodeJS.ReadStream = process.stdin,
  ) {
    this.execRoot = execRootOf(options.execRoot);
    this.endpoint = endpointOf(options.host, this.execRoot);
  }

  /** The API client. On the default socket, a daemon is started when nothing answers there. */
  api(): ApiClient {
    const { socket, explicit } = this.endpoint;
    this.client ??= new ApiClient(
      socket,
      explicit
        ? undefined
        : async (c) => {
            if (!(await c.ping())) await startDaemon({ socket, execRoot: this.execRoot, ping: () => c.ping(), ...(this.options.root ? { root: this.options.root } : {}) });
          },
    );
    return this.client;
  }

  out(text: string): void {
    this.stdout.write(text);
  }

  err(text: string): void {
    this.stderr.write(text);
  }
}

/**
 * Where the daemon listens. `-H`/`--host`, then BERTH_HOST, name it
 * explicitly; otherwise it is `berth.sock` in the exec root (`--exec-root`,
 * BERTH_EXEC_ROOT, /run/berth), and only then may the CLI start a daemon
 * there itself (autostart.ts). The daemon started that way logs to
 * `berthd.log` in the same exec root: runtime state and the log of the
 * daemon that owns it sit together, and a test's exec root keeps both.
 */
import path from 'node:path';


export const DEFAULT_EXEC_ROOT = '/run/berth';

export interface Endpoint {
  /** the socket's path */
  socket: string;
  /** true when the user named the host: the CLI then never starts a daemon of its own */
  explicit: boolean;
}

export function execRootOf(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return flag || env['BERTH_EXEC_ROOT'] || DEFAULT_EXEC_ROOT;
}

export function endpointOf(hostFlag: string | undefined, execRoot: string, env: NodeJS.ProcessEnv = process.env): Endpoint {
  const named = hostFlag || env['BERTH_HOST'];
  if (named) return { socket: socketPathOf(named), explicit: true };
  return { socket: path.join(execRoot, 'berth.sock'), explicit: false };
}

/** "unix:///run/berth/berth.sock" or a plain absolute path → the path. */
export function socketPathOf(host: string): string {
  if (host.startsWith('unix://')) return host.slice('unix://'.length);
  if (host.startsWith('/')) return host;
  throw new Error(`invalid host ${JSON.stringify(host)}: berth talks to its daemon over a unix socket only (unix:///path)`);
}

/** The log of a daemon the CLI started. */
export const daemonLogPath = (execRoot: string): string => path.join(execRoot, 'berthd.log');

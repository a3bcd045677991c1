/**
 * How a process is run under berth-shim (docs/shim.md): the command line the
 * shim gets, and where its binary is. The shim holds what must outlive the
 * daemon: the process's stdio, its json-file log, its exit status.
 */
import path from 'node:path';

import { invalidArgument } from '../../errors.js';
import { nativeBinary } from '../native-binary.js';

export interface ShimOptions {
  /** the shim's state directory: pid, exit, sockets; it belongs to the shim (removed when a launch fails) */
  stateDir: string;
  /** Docker json-file log; none: output only reaches attach clients */
  logPath?: string;
  /** rotate at this many bytes (0: never); the shim's default is 20 MiB */
  logMaxSize?: number;
  /** files kept, the current one included; the shim's default is 5 */
  logMaxFiles?: number;
  /** the process has a terminal: it makes its pty and sends the master to the shim */
  terminal?: boolean;
  /** attach clients feed the process's stdin (docker's -i) */
  stdin?: boolean;
  /** hold the output until the first attach client (docker exec: nothing is lost before it attaches) */
  waitAttach?: boolean;
}

/** The fds the launcher gets under the shim: the plan, and the sync messages. */
export const PLAN_FD = 3;
export const SYNC_FD = 4;

let cachedShimPath: string | undefined;

/** Where the shim binary is: BERTH_SHIM, or native/build/berth-shim in this checkout. */
export function shimPath(): string {
  cachedShimPath ??= process.env['BERTH_SHIM'] || nativeBinary('berth-shim');
  return cachedShimPath;
}

/**
 * The console socket as the plan names it, in terminal mode. Relative on
 * purpose: the launcher runs in the shim's state directory (the shim's cwd),
 * and connects before any chdir or setns of the plan. An absolute path would
 * have to fit in sun_path's 108 bytes, which an exec's state directory under
 * /run/berth/containers/<64 hex>/execs/… does not.
 */
export const SHIM_CONSOLE_SOCKET = 'console.sock';

/**
 * The options for one process: `terminal` must agree with the process's
 * own (the plan makes the pty only when the process asks for one).
 */
export function shimOptionsFor(options: ShimOptions, terminal: boolean): ShimOptions {
  if (options.terminal !== undefined && options.terminal !== terminal) {
    throw invalidArgument('shim.terminal', `is ${options.terminal} but process.terminal is ${terminal}`);
  }
  return { ...options, stateDir: path.resolve(options.stateDir), terminal };
}

/** berth-shim's arguments for running `command` as a launcher that reports on SYNC_FD. */
export function shimArgs(options: ShimOptions, command: string[]): string[] {
  const args = ['--state', options.stateDir];
  if (options.logPath !== undefined) args.push('--log', options.logPath);
  if (options.logMaxSize !== undefined) {
    if (!Number.isSafeInteger(options.logMaxSize) || options.logMaxSize < 0) {
      throw invalidArgument('shim.logMaxSize', `must be a whole number of bytes, got ${options.logMaxSize}`);
    }
    args.push('--log-max-size', String(options.logMaxSize));
  }
  if (options.logMaxFiles !== undefined) {
    if (!Number.isInteger(options.logMaxFiles) || options.logMaxFiles < 1 || options.logMaxFiles > 1000) {
      throw invalidArgument('shim.logMaxFiles', `must be from 1 to 1000, got ${options.logMaxFiles}`);
    }
    args.push('--log-max-files', String(options.logMaxFiles));
  }
  if (options.terminal) args.push('--console-socket');
  if (options.stdin) args.push('--stdin');
  if (options.waitAttach) args.push('--wait-attach');
  args.push('--sync-fd', String(SYNC_FD), '--', ...command);
  return args;
}

/**
 * What a command can fail with, and how each failure is shown. The shapes
 * follow the docker CLI, because scripts read its messages and exit codes.
 */

/** The command line is wrong (a missing argument, a bad combination): exit 1. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/**
 * Exit with `code`, printing `message` first when there is one. A container's
 * own exit code travels this way, and so do docker's 125/126/127 of `run`.
 */
export class StatusError extends Error {
  override name = 'StatusError';
  constructor(
    readonly code: number,
    message = '',
  ) {
    super(message);
  }
}

/** The daemon answered with an error status: `{"message": …}`. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/** Nothing answers on the socket (and berth could not start a daemon there). */
export class DaemonUnreachable extends Error {
  override name = 'DaemonUnreachable';
}

/** An error reported inside a stream that had already begun (pull progress, load). */
export class StreamError extends Error {
  override name = 'StreamError';
}

/** Several failures of one command over many objects (`rm a b c`), shown one per line. */
export class MultiError extends Error {
  override name = 'MultiError';
  constructor(readonly errors: unknown[]) {
    super(errors.map(display).join('\n'));
  }
}

/** The line docker would print for this error. */
export function display(e: unknown): string {
  if (e instanceof ApiError) return `Error response from daemon: ${e.message}`;
  if (e instanceof Error) return process.env['BERTH_DEBUG'] && !(e instanceof UsageError) ? (e.stack ?? e.message) : e.message;
  return String(e);
}

export const isNotFound = (e: unknown): boolean => e instanceof ApiError && e.status === 404;

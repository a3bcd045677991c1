import { isBerthError, type ErrorCategory } from '../errors.js';

/**
 * The one place where an error becomes an HTTP status. Registry refusals
 * ("unauthorized", "denied") are FailedPrecondition and answer 400, not
 * 401: a 401 makes the docker CLI prompt for a password and retry.
 */
const STATUS: Record<ErrorCategory, number> = {
  NotFound: 404,
  AlreadyExists: 409,
  Conflict: 409,
  InvalidArgument: 400,
  FailedPrecondition: 400,
  Unavailable: 503,
  Internal: 500,
};

export function statusOf(e: unknown): number {
  return isBerthError(e) ? STATUS[e.category] : 500;
}

/** The message docker's clients print after "Error response from daemon: ". */
export function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/**
 * When a failed registry request is worth repeating, and after how long.
 *
 * Repeated: 408, 429 and 5xx answers (but 501 and 505, which will not
 * change), and connections that broke before an answer (resets, a keep-alive
 * socket the server had already closed). Never repeated: other 4xx answers,
 * which say the request itself is wrong, and timeouts, which already waited.
 *
 * The wait doubles from `baseDelayMs` with jitter, capped at `maxDelayMs`;
 * a Retry-After header (seconds or an HTTP date) replaces it, also capped.
 */
import { errnoCode } from '../../errors.js';

export interface RetryPolicy {
  /** Tries in all, the first included (default 4). */
  maxAttempts: number;
  /** Wait before the second try (default 500 ms). */
  baseDelayMs: number;
  /** Longest single wait, Retry-After included (default 30 s). */
  maxDelayMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = { maxAttempts: 4, baseDelayMs: 500, maxDelayMs: 30_000 };

export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || (status >= 500 && status <= 599 && status !== 501 && status !== 505);
}

const RETRYABLE_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNABORTED', 'ERR_STREAM_PREMATURE_CLOSE']);

/** A connection that broke under us (not one that could not be made, nor a timeout). */
export function isRetryableError(err: unknown): boolean {
  if (err instanceof Error && err.cause !== undefined && isRetryableError(err.cause)) return true;
  const code = errnoCode(err);
  if (code !== undefined && RETRYABLE_CODES.has(code)) return true;
  return err instanceof Error && err.message === 'socket hang up';
}

/** Milliseconds a Retry-After value asks for, or undefined if it is not one. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  const when = Date.parse(v);
  return Number.isNaN(when) ? undefined : Math.max(0, when - now);
}

/**
 * The wait before try number `attempt + 1`, after try `attempt` (1-based)
 * failed. `random` is in [0, 1): the jitter spreads clients that failed
 * together.
 */
export function retryDelayMs(
  attempt: number,
  policy: RetryPolicy,
  retryAfter?: string,
  now = Date.now(),
  random: () => number = Math.random,
): number {
  const asked = parseRetryAfter(retryAfter, now);
  if (asked !== undefined) return Math.min(asked, policy.maxDelayMs);
  const exp = policy.baseDelayMs * 2 ** Math.max(0, attempt - 1);
  // "Equal jitter": half fixed, half random, so the wait never collapses to zero.
  const jittered = exp / 2 + (exp / 2) * random();
  return Math.min(Math.round(jittered), policy.maxDelayMs);
}

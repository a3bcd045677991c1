import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { BerthError } from '../../errors.js';
import { isRetryableError, isRetryableStatus, parseRetryAfter, retryDelayMs } from './retry-policy.js';

const policy = { maxAttempts: 5, baseDelayMs: 100, maxDelayMs: 1000 };

describe('retry policy', () => {
  it('retries 408, 429 and most 5xx, never other 4xx', () => {
    for (const s of [408, 429, 500, 502, 503, 504]) assert.equal(isRetryableStatus(s), true, String(s));
    for (const s of [200, 201, 301, 400, 401, 403, 404, 405, 409, 416, 501, 505]) {
      assert.equal(isRetryableStatus(s), false, String(s));
    }
  });

  it('retries broken connections, wrapped or not, but not refusals or timeouts', () => {
    const reset = Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' });
    assert.equal(isRetryableError(reset), true);
    assert.equal(isRetryableError(new BerthError('Unavailable', 'registry x', 'reset', { cause: reset })), true);
    assert.equal(isRetryableError(new Error('socket hang up')), true);
    assert.equal(isRetryableError(Object.assign(new Error('refused'), { code: 'ECONNREFUSED' })), false);
    assert.equal(isRetryableError(new BerthError('Unavailable', 'registry x', 'no response within 30s')), false);
  });

  it('parses Retry-After as seconds or as a date', () => {
    const now = Date.parse('2024-01-01T00:00:00Z');
    assert.equal(parseRetryAfter('3', now), 3000);
    assert.equal(parseRetryAfter(' 0 ', now), 0);
    assert.equal(parseRetryAfter('Mon, 01 Jan 2024 00:00:05 GMT', now), 5000);
    assert.equal(parseRetryAfter('Sun, 31 Dec 2023 23:00:00 GMT', now), 0);
    assert.equal(parseRetryAfter('soon', now), undefined);
    assert.equal(parseRetryAfter(undefined, now), undefined);
  });

  it('backs off exponentially with jitter, capped, and honours Retry-After up to the cap', () => {
    assert.equal(retryDelayMs(1, policy, undefined, 0, () => 0), 50);
    assert.equal(retryDelayMs(1, policy, undefined, 0, () => 0.999), 100);
    assert.equal(retryDelayMs(3, policy, undefined, 0, () => 0), 200);
    assert.equal(retryDelayMs(10, policy, undefined, 0, () => 0.5), 1000);
    assert.equal(retryDelayMs(1, policy, '0', 0), 0);
    assert.equal(retryDelayMs(1, policy, '2', 0), 1000);
    assert.equal(retryDelayMs(1, { ...policy, maxDelayMs: 5000 }, '2', 0), 2000);
  });
});

// Shared by the config and spec tests: an InvalidArgument whose message (without the class name) matches.
import assert from 'node:assert/strict';

import { type ErrorCategory, isBerthError } from '../../../errors.js';

export function assertThrowsCategory(fn: () => unknown, category: ErrorCategory, re: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(isBerthError(e, category), `want ${category}, got ${String(e)}`);
    assert.match(e.message, re);
    return true;
  });
}

export const assertInvalid = (fn: () => unknown, re: RegExp) => assertThrowsCategory(fn, 'InvalidArgument', re);

export async function assertRejectsInvalid(fn: () => Promise<unknown>, re: RegExp): Promise<void> {
  await assert.rejects(fn, (e: unknown) => {
    assert.ok(isBerthError(e, 'InvalidArgument'), `want InvalidArgument, got ${String(e)}`);
    assert.match(e.message, re);
    return true;
  });
}

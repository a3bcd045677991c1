import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { RLIMITS, rlimitNumber } from './rlimits.js';

describe('rlimits', () => {
  it('numbers resources as generic Linux does', () => {
    assert.equal(rlimitNumber('RLIMIT_CPU', 'f'), 0);
    assert.equal(rlimitNumber('RLIMIT_NPROC', 'f'), 6);
    assert.equal(rlimitNumber('RLIMIT_NOFILE', 'f'), 7);
    assert.equal(rlimitNumber('RLIMIT_AS', 'f'), 9);
    assert.equal(rlimitNumber('RLIMIT_RTTIME', 'f'), 15);
    assert.deepEqual(
      Object.values(RLIMITS).sort((a, b) => a - b),
      Array.from({ length: 16 }, (_, i) => i),
    );
  });

  it('rejects unknown types, naming the field', () => {
    assert.throws(() => rlimitNumber('RLIMIT_FOO', 'process.rlimits[0].type'), /^BerthError: process\.rlimits\[0\]\.type: unknown rlimit type "RLIMIT_FOO"$/);
    assert.throws(() => rlimitNumber('nofile', 'f'), /unknown rlimit type/);
  });
});

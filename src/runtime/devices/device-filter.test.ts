import assert from 'node:assert/strict';
import { test } from 'node:test';

import { compileDeviceFilter } from './device-filter.js';

test('each rule compiles to a block whose mismatches jump past its verdict', () => {
  const prog = compileDeviceFilter([
    { allow: false, access: 'rwm' },
    { allow: true, type: 'c', major: 1, minor: 3, access: 'rw' },
  ]);
  // 6 loads, the char rule (type, access x3, major, minor, verdict x2), then the catch-all's verdict,
  // which decides alone: no default after it (the verifier refuses unreachable code).
  assert.equal(prog.length / 8, 6 + 8 + 2);
  // The first jump of the char rule (type != char) skips its 5 other checks and the verdict.
  assert.equal(prog.readUInt8(6 * 8), 0x55);
  assert.equal(prog.readInt16LE(6 * 8 + 2), 7);
  assert.equal(prog.readInt32LE(6 * 8 + 4), 2);
  assert.equal(prog.readUInt8(prog.length - 16), 0xb7);
  assert.equal(prog.readInt32LE(prog.length - 12), 0);
});

test('without a catch-all rule, what no rule matches is allowed, as the v1 controller starts', () => {
  const prog = compileDeviceFilter([{ allow: false, type: 'b', access: 'rwm' }]);
  assert.equal(prog.readUInt8(prog.length - 16), 0xb7);
  assert.equal(prog.readInt32LE(prog.length - 12), 1);
});

test('bad rules are refused naming the field', () => {
  assert.throws(() => compileDeviceFilter([{ allow: true, access: 'rx' }]), /linux\.resources\.devices\[0\]\.access: unknown access "x"/);
  assert.throws(() => compileDeviceFilter([{ allow: true, type: 'z' as 'c' }]), /devices\[0\]\.type/);
});

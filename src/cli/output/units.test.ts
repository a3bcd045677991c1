import assert from 'node:assert/strict';
import { test } from 'node:test';

import { ago, bytesSize, goTimeString, humanDuration, humanSize, rfc3339NanoFixed } from './units.js';

test('durations as go-units words them: seconds and minutes cut, hours rounded', () => {
  const s = 1000;
  const cases: [number, string][] = [
    [999, 'Less than a second'],
    [1 * s, '1 second'],
    [59.9 * s, '59 seconds'],
    [60 * s, 'About a minute'],
    [119 * s, 'About a minute'],
    [120 * s, '2 minutes'],
    [59 * 60 * s, '59 minutes'],
    [60 * 60 * s, 'About an hour'],
    [90 * 60 * s, '2 hours'],
    [47 * 3600 * s, '47 hours'],
    [48 * 3600 * s, '2 days'],
    [14 * 24 * 3600 * s, '2 weeks'],
    [60 * 24 * 3600 * s, '2 months'],
    [2 * 365 * 24 * 3600 * s, '2 years'],
  ];
  for (const [ms, words] of cases) assert.equal(humanDuration(ms), words, `${ms} ms`);
  assert.equal(ago(new Date(10_000), 13_500), '3 seconds ago');
});

test('sizes: decimal with three significant digits, binary with four', () => {
  assert.equal(humanSize(0), '0B');
  assert.equal(humanSize(999), '999B');
  assert.equal(humanSize(2048), '2.05kB');
  assert.equal(humanSize(4_260_000), '4.26MB');
  assert.equal(humanSize(1e9), '1GB');
  assert.equal(bytesSize(0), '0B');
  assert.equal(bytesSize(1536 * 1024), '1.5MiB');
  assert.equal(bytesSize(8_222_138_368), '7.657GiB');
  assert.equal(bytesSize(745_472), '728KiB');
});

test('times in Go\'s layouts', () => {
  const d = new Date(Date.UTC(2024, 4, 1, 10, 0, 5, 123));
  if (d.getTimezoneOffset() === 0) {
    assert.equal(goTimeString(d), '2024-05-01 10:00:05 +0000 UTC');
    assert.equal(rfc3339NanoFixed(d), '2024-05-01T10:00:05.123000000Z');
    assert.equal(rfc3339NanoFixed(d, 123456789), '2024-05-01T10:00:05.123456789Z');
  } else {
    assert.match(goTimeString(d), /^2024-05-01 \d\d:\d\d:05 [+-]\d{4} \S+$/);
  }
});

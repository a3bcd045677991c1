import assert from 'node:assert/strict';
import { test } from 'node:test';

import { isAfter, parseLogLine, parseRfc3339 } from './log-entry.js';

test('a shim line parses into stream, bytes and both forms of the time', () => {
  const e = parseLogLine(Buffer.from('{"log":"h\\u00e9\\u003c\\n","stream":"stderr","time":"2026-01-02T03:04:05.123456789Z"}'));
  assert.ok(e);
  assert.equal(e.stream, 'stderr');
  assert.deepEqual(e.line, Buffer.from('hé<\n'));
  assert.equal(e.time.toISOString(), '2026-01-02T03:04:05.123Z');
  assert.equal(e.timeText, '2026-01-02T03:04:05.123456789Z');
});

test('corrupt or foreign lines are rejected, not thrown', () => {
  for (const bad of ['', '{', 'null', '[]', '{"log":1,"stream":"stdout","time":"2026-01-02T03:04:05Z"}', '{"log":"x","stream":"stdin","time":"2026-01-02T03:04:05Z"}', '{"log":"x","stream":"stdout","time":"yesterday"}']) {
    assert.equal(parseLogLine(Buffer.from(bad)), undefined, bad);
  }
});

test('RFC3339 times with few, many or no fraction digits, and offsets', () => {
  assert.equal(parseRfc3339('2026-01-02T03:04:05Z')?.toISOString(), '2026-01-02T03:04:05.000Z');
  assert.equal(parseRfc3339('2026-01-02T03:04:05.5Z')?.toISOString(), '2026-01-02T03:04:05.500Z');
  assert.equal(parseRfc3339('2026-01-02T05:04:05.123456+02:00')?.toISOString(), '2026-01-02T03:04:05.123Z');
  assert.equal(parseRfc3339('2026-01-02 03:04:05Z'), undefined);
});

test('isAfter compares the nanoseconds a Date drops', () => {
  const e = parseLogLine(Buffer.from('{"log":"x","stream":"stdout","time":"2026-01-02T03:04:05.123000001Z"}'));
  assert.ok(e);
  assert.equal(isAfter(e, new Date('2026-01-02T03:04:05.123Z')), true);
  assert.equal(isAfter(e, new Date('2026-01-02T03:04:05.124Z')), false);
  const exact = parseLogLine(Buffer.from('{"log":"x","stream":"stdout","time":"2026-01-02T03:04:05.123Z"}'));
  assert.ok(exact);
  assert.equal(isAfter(exact, new Date('2026-01-02T03:04:05.123Z')), false);
});

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { isBerthError } from '../../../errors.js';
import { parseLogTime, parseTail } from './log-query.js';

test('Unix seconds, with or without a fraction, as the docker CLI sends them', () => {
  assert.equal(parseLogTime('1700000000', 'since')?.toISOString(), '2023-11-14T22:13:20.000Z');
  assert.equal(parseLogTime('1700000000.123456789', 'since')?.toISOString(), '2023-11-14T22:13:20.123Z');
  assert.equal(parseLogTime('1700000000.5', 'until')?.toISOString(), '2023-11-14T22:13:20.500Z');
});

test('empty and 0 mean no bound', () => {
  assert.equal(parseLogTime('', 'since'), undefined);
  assert.equal(parseLogTime('0', 'until'), undefined);
  assert.equal(parseLogTime(undefined, 'until'), undefined);
});

test('RFC3339 times and durations back from now', () => {
  assert.equal(parseLogTime('2026-01-02T03:04:05.123456789Z', 'since')?.toISOString(), '2026-01-02T03:04:05.123Z');
  const now = new Date('2026-01-02T03:00:00Z');
  assert.equal(parseLogTime('10m', 'since', now)?.toISOString(), '2026-01-02T02:50:00.000Z');
  assert.equal(parseLogTime('1h30m', 'since', now)?.toISOString(), '2026-01-02T01:30:00.000Z');
  assert.equal(parseLogTime('1.5s', 'since', now)?.toISOString(), '2026-01-02T02:59:58.500Z');
});

test('anything else is an invalid argument naming the parameter', () => {
  for (const bad of ['yesterday', '12abc', '10x', '1.2.3', '2026-01-02T03:04:05']) {
    assert.throws(
      () => parseLogTime(bad, 'until'),
      (e) => isBerthError(e, 'InvalidArgument') && e.message.startsWith(`until "${bad}"`),
    );
  }
});

test('tail: a count, or every entry for "all", negatives and garbage as dockerd does', () => {
  assert.equal(parseTail('10'), 10);
  assert.equal(parseTail('0'), 0);
  assert.equal(parseTail('all'), undefined);
  assert.equal(parseTail('-1'), undefined);
  assert.equal(parseTail('ten'), undefined);
  assert.equal(parseTail(undefined), undefined);
});

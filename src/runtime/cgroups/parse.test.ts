import assert from 'node:assert/strict';
import { test } from 'node:test';

import { parseBlkioStat, parseFlatKeyed, parseMax, parseNestedKeyed, parsePids, parseV1Limit } from './parse.js';

test('flat keyed files', () => {
  const m = parseFlatKeyed('usage_usec 1500\nuser_usec 1000\nsystem_usec 500\n\n');
  assert.deepEqual([...m], [
    ['usage_usec', 1500],
    ['user_usec', 1000],
    ['system_usec', 500],
  ]);
  assert.equal(parseFlatKeyed(null).size, 0);
});

test('nested keyed files (io.stat)', () => {
  const rows = parseNestedKeyed('8:0 rbytes=4096 wbytes=0 rios=1 wios=0 dbytes=0 dios=0\n253:1 rbytes=10 wbytes=20 rios=2 wios=3\n');
  assert.equal(rows.length, 2);
  assert.equal(rows[1]?.key, '253:1');
  assert.equal(rows[1]?.values.get('wios'), 3);
});

test('v1 blkio stats are summed per operation, the Total line ignored', () => {
  const text = '8:0 Read 100\n8:0 Write 200\n8:0 Total 300\n8:16 Read 1\n8:16 Write 2\n8:16 Total 3\nTotal 303\n';
  const sums = parseBlkioStat(text);
  assert.equal(sums.get('Read'), 101);
  assert.equal(sums.get('Write'), 202);
});

test('limits: "max" and the v1 unlimited sentinel are null', () => {
  assert.equal(parseMax('max\n'), null);
  assert.equal(parseMax('100\n'), 100);
  assert.equal(parseMax(null), null);
  assert.equal(parseV1Limit('9223372036854771712\n'), null);
  assert.equal(parseV1Limit('104857600\n'), 104857600);
});

test('pids', () => {
  assert.deepEqual(parsePids('12\n345\n\n'), [12, 345]);
  assert.deepEqual(parsePids(''), []);
});

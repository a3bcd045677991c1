import assert from 'node:assert/strict';
import { test } from 'node:test';

import { encodeLogEntry, stdcopyFrame, timestampPrefix } from './api-format.js';

test('stdcopy frame: stream byte, three zeros, big-endian length, payload', () => {
  const frame = stdcopyFrame(2, Buffer.from('hello\n'));
  assert.deepEqual([...frame.subarray(0, 8)], [2, 0, 0, 0, 0, 0, 0, 6]);
  assert.equal(frame.subarray(8).toString(), 'hello\n');
  const big = stdcopyFrame(1, Buffer.alloc(70000));
  assert.equal(big.readUInt32BE(4), 70000);
  assert.equal(big.length, 70008);
});

test('timestamps as dockerd prints them: always nine fraction digits', () => {
  assert.equal(timestampPrefix('2026-01-02T03:04:05.123456789Z'), '2026-01-02T03:04:05.123456789Z ');
  assert.equal(timestampPrefix('2026-01-02T03:04:05.12Z'), '2026-01-02T03:04:05.120000000Z ');
  assert.equal(timestampPrefix('2026-01-02T03:04:05Z'), '2026-01-02T03:04:05.000000000Z ');
});

test('an entry is framed for a non-TTY container and raw for a TTY one', () => {
  const entry = { stream: 'stderr' as const, line: Buffer.from('oops\n'), time: new Date(0), timeText: '2026-01-02T03:04:05.5Z' };
  const framed = encodeLogEntry(entry, { timestamps: true, tty: false });
  assert.equal(framed[0], 2);
  assert.equal(framed.subarray(8).toString(), '2026-01-02T03:04:05.500000000Z oops\n');
  assert.equal(encodeLogEntry(entry, { timestamps: false, tty: true }).toString(), 'oops\n');
});

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { parsePs } from './top.js';

test('keeps the container processes and whole command lines', () => {
  const out = 'UID          PID    PPID  C STIME TTY          TIME CMD\nroot         1       0  0 10:00 ?        00:00:01 /sbin/init\nroot       420     400  0 10:01 ?        00:00:00 sleep 1000 now\n';
  const r = parsePs(out, new Set([420]));
  assert.deepEqual(r.Titles, ['UID', 'PID', 'PPID', 'C', 'STIME', 'TTY', 'TIME', 'CMD']);
  assert.deepEqual(r.Processes, [['root', '420', '400', '0', '10:01', '?', '00:00:00', 'sleep 1000 now']]);
});

test('refuses ps output without a PID column', () => {
  assert.throws(() => parsePs('USER CMD\nroot x\n', new Set([1])), /PID field/);
});

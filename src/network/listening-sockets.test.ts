import assert from 'node:assert/strict';
import { test } from 'node:test';

import { parseSocketTable } from './listening-sockets.js';

const HEAD = '  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n';

test('listening TCP sockets, with their address; connections are not owners', () => {
  const text =
    HEAD +
    '   0: 00000000:07E8 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 19 1\n' +
    '   1: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 20 1\n' +
    '   2: 0200000A:C350 0100000A:0050 01 00000000:00000000 00:00000000 00000000     0        0 21 1\n';
  assert.deepEqual(parseSocketTable(text, 'tcp'), [
    { proto: 'tcp', ip: '', port: 2024 },
    { proto: 'tcp', ip: '127.0.0.1', port: 8080 },
  ]);
});

test('IPv6 tables: :: is a wildcard, v4-mapped is its IPv4 address, other IPv6 addresses do not matter', () => {
  const text =
    HEAD +
    '   0: 00000000000000000000000000000000:0050 00000000000000000000000000000000:0000 0A 0\n' +
    '   1: 0000000000000000FFFF00000100007F:0051 00000000000000000000000000000000:0000 0A 0\n' +
    '   2: 00000000000000000000000001000000:0052 00000000000000000000000000000000:0000 0A 0\n';
  assert.deepEqual(parseSocketTable(text, 'tcp'), [
    { proto: 'tcp', ip: '', port: 80 },
    { proto: 'tcp', ip: '127.0.0.1', port: 81 },
  ]);
});

test('bound UDP sockets are the unconnected ones (state 07)', () => {
  const text =
    HEAD +
    '  1: 00000000:14E9 00000000:0000 07 00000000:00000000 00:00000000 00000000 0 0 1 2\n' +
    '  2: 0200000A:A000 0100000A:0035 01 00000000:00000000 00:00000000 00000000 0 0 1 2\n';
  assert.deepEqual(parseSocketTable(text, 'udp'), [{ proto: 'udp', ip: '', port: 5353 }]);
});

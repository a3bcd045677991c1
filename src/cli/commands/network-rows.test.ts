import assert from 'node:assert/strict';
import { test } from 'node:test';

import { goTimeOf, naturalCompare, networkList, type NetworkSummary } from './network-rows.js';

const NETS: NetworkSummary[] = [
  { Name: 'net10', Id: '10'.repeat(32), Created: '2024-01-02T05:04:05+02:00', Scope: 'local', Driver: 'bridge', EnableIPv4: true, EnableIPv6: true, Internal: true, Labels: null },
  { Name: 'host', Id: '1234567890abcdef'.repeat(4), Created: '2024-01-02T03:04:05Z', Scope: 'local', Driver: 'host', Labels: {} },
  { Name: 'net9', Id: '09'.repeat(32), Scope: 'local', Driver: 'bridge', Labels: { team: 'infra' } },
  { Name: 'bridge', Id: 'aaaa1111bbbb2222'.repeat(4), Created: '2024-01-02T03:04:05.123456780Z', Scope: 'local', Driver: 'bridge', Labels: { a: 'b' } },
];

test('the default table: NETWORK ID, NAME, DRIVER, SCOPE; sorted by name, 9 before 10', () => {
  assert.equal(
    networkList(NETS, { quiet: false, trunc: true }),
    [
      'NETWORK ID     NAME      DRIVER    SCOPE',
      'aaaa1111bbbb   bridge    bridge    local',
      '1234567890ab   host      host      local',
      '090909090909   net9      bridge    local',
      '101010101010   net10     bridge    local',
      '',
    ].join('\n'),
  );
  assert.equal(networkList(NETS, { format: 'table', quiet: false, trunc: true }), networkList(NETS, { quiet: false, trunc: true }));
});

test('--no-trunc keeps whole IDs; -q prints only IDs, unless a template is given', () => {
  assert.match(networkList(NETS, { quiet: false, trunc: false }), /^NETWORK ID {57}NAME {6}DRIVER {4}SCOPE\naaaa1111bbbb2222(aaaa1111bbbb2222){3} {3}bridge/);
  assert.equal(networkList(NETS, { quiet: true, trunc: true }), 'aaaa1111bbbb\n1234567890ab\n090909090909\n101010101010\n');
  assert.equal(networkList(NETS.slice(0, 1), { quiet: true, trunc: false }), `${'10'.repeat(32)}\n`);
  assert.equal(networkList(NETS, { format: '{{.Name}}', quiet: true, trunc: true }), 'bridge\nhost\nnet9\nnet10\n');
  assert.equal(networkList(NETS.slice(1, 2), { format: 'raw', quiet: true, trunc: true }), 'network_id: 1234567890ab\n');
  assert.equal(networkList(NETS.slice(1, 2), { format: 'raw', quiet: false, trunc: true }), 'network_id: 1234567890ab\nname: host\ndriver: host\nscope: local\n\n');
});

test('--format fields as docker prints them, and json with its sorted keys', () => {
  const f = '{{.Name}}|{{.CreatedAt}}|{{.IPv4}}|{{.IPv6}}|{{.Internal}}|{{.Labels}}|{{.Label "team"}}';
  assert.equal(
    networkList(NETS, { format: f, quiet: false, trunc: true }),
    [
      'bridge|2024-01-02 03:04:05.12345678 +0000 UTC|false|false|false|a=b|',
      'host|2024-01-02 03:04:05 +0000 UTC|false|false|false||',
      'net9|0001-01-01 00:00:00 +0000 UTC|false|false|false|team=infra|infra',
      'net10|2024-01-02 05:04:05 +0200 +0200|true|true|true||',
      '',
    ].join('\n'),
  );
  assert.equal(
    networkList(NETS.slice(1, 2), { format: 'json', quiet: false, trunc: true }),
    '{"CreatedAt":"2024-01-02 03:04:05 +0000 UTC","Driver":"host","ID":"1234567890ab","IPv4":"false","IPv6":"false","Internal":"false","Labels":"","Name":"host","Scope":"local"}\n',
  );
  assert.equal(networkList(NETS.slice(1, 2), { format: 'table {{.Name}}\t{{.Internal}}\t{{.CreatedAt}}', quiet: false, trunc: true }), 'NAME      INTERNAL   CREATED AT\nhost      false      2024-01-02 03:04:05 +0000 UTC\n');
  assert.equal(networkList([], { quiet: false, trunc: true }), 'NETWORK ID   NAME      DRIVER    SCOPE\n');
});

test('natural order and Go time strings', () => {
  const names = ['net10', 'b', 'net9', 'net09', 'a2b', 'a10', 'net', '1x', 'a2'];
  assert.deepEqual(names.sort(naturalCompare), ['1x', 'a2', 'a2b', 'a10', 'b', 'net', 'net9', 'net09', 'net10']);
  assert.equal(goTimeOf('2024-05-01T10:00:05.500Z'), '2024-05-01 10:00:05.5 +0000 UTC');
  assert.equal(goTimeOf('2024-05-01T10:00:05.000000000-07:00'), '2024-05-01 10:00:05 -0700 -0700');
  assert.equal(goTimeOf(undefined), '0001-01-01 00:00:00 +0000 UTC');
});

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { renderRuleset } from './nft-ruleset.js';
import type { PublishedPort } from './state.js';

const port = (over: Partial<PublishedPort>): PublishedPort => ({
  containerId: 'c',
  hostIp: '',
  hostPort: 8080,
  containerIp: '10.1.0.2',
  containerPort: 80,
  proto: 'tcp',
  ...over,
});

const text = renderRuleset({
  table: 'berth',
  networks: [
    { bridge: 'berth0', subnet: '10.1.0.0/24', internal: false },
    { bridge: 'br-int', subnet: '10.2.0.0/24', internal: true },
  ],
  ports: [port({}), port({ hostIp: '127.0.0.1', hostPort: 5353, containerPort: 53, proto: 'udp' })],
});
const lines = text.split('\n').map((l) => l.trim());

test('replaces the whole table in one transaction', () => {
  assert.deepEqual(lines.slice(0, 3), ['table inet berth {}', 'delete table inet berth', 'table inet berth {']);
});

test('published ports are map elements, per protocol, per address when given', () => {
  assert.match(text, /map published \{[^}]*elements = \{ tcp \. 8080 : 10\.1\.0\.2 \. 80 \}/);
  assert.match(text, /map published_on \{[^}]*elements = \{ 127\.0\.0\.1 \. udp \. 5353 : 10\.1\.0\.2 \. 53 \}/);
  assert.ok(lines.includes('chain prerouting { type nat hook prerouting priority dstnat; policy accept; fib daddr type local jump publish; }'));
  assert.ok(lines.some((l) => l.startsWith('chain output { type nat hook output priority -100;')));
});

test('masquerade out of a bridge subnet, hairpin back into it, and loopback into bridges', () => {
  assert.ok(lines.includes('ip saddr 10.1.0.0/24 oifname != "berth0" masquerade'));
  assert.ok(lines.includes('ip saddr 10.1.0.0/24 oifname "berth0" ct status dnat masquerade'));
  assert.ok(lines.includes('oifname @bridges ip saddr 127.0.0.0/8 masquerade'));
});

test('an internal network gets no way out', () => {
  assert.ok(!lines.includes('ip saddr 10.2.0.0/24 oifname != "br-int" masquerade'));
  assert.match(text, /set internal_bridges \{ type ifname; elements = \{ "br-int" \}; \}/);
  assert.ok(lines.includes('iifname @internal_bridges drop'));
});

test('forwarding: replies, same bridge, published ports pass; anything else into a bridge is dropped', () => {
  const fwd = lines.slice(lines.indexOf('chain forward {'));
  const order = [
    'ct state established,related accept',
    'iifname "berth0" oifname "berth0" accept',
    'oifname @bridges ct status dnat accept',
    'oifname @bridges drop',
  ].map((l) => fwd.indexOf(l));
  assert.ok(order.every((i, k) => i > 0 && (k === 0 || i > (order[k - 1] ?? 0))), `${order}`);
});

test('empty sets and maps have no elements clause', () => {
  const empty = renderRuleset({ table: 't', networks: [], ports: [] });
  assert.match(empty, /set bridges \{ type ifname; \}/);
  assert.doesNotMatch(empty, /elements/);
});

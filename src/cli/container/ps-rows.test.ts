import assert from 'node:assert/strict';
import { test } from 'node:test';

import { formatList } from '../output/go-template.js';
import { displayablePorts } from './display-ports.js';
import { PS_HEADERS, psRow, psTable, type ContainerSummary } from './ps-rows.js';

const now = Date.UTC(2024, 0, 1, 12, 0, 0);
const c = (over: Partial<ContainerSummary> = {}): ContainerSummary => ({
  Id: 'f3a5c0de1234567890abcdef',
  Names: ['/web'],
  Image: 'busybox',
  Command: "sh -c 'while true; do sleep 1; done'",
  Created: now / 1000 - 120,
  State: 'running',
  Status: 'Up 2 minutes',
  Labels: { app: 'shop', tier: 'web' },
  Ports: [],
  ...over,
});

test('docker\'s columns: id cut to 12, command quoted and cut to 20 with …, created as time ago', () => {
  const r = psRow(c(), true, now);
  assert.equal(r.ID, 'f3a5c0de1234');
  assert.equal(r.Command, '"sh -c \'while true; …"'); // 19 characters and "…"
  assert.equal(r.RunningFor, '2 minutes ago');
  assert.equal(r.Status, 'Up 2 minutes');
  assert.equal(r.Names, 'web');
  assert.equal(r.Labels, 'app=shop,tier=web');
  assert.equal(r.Label('tier'), 'web');
  assert.equal(psRow(c({ Command: 'true' }), true, now).Command, '"true"');
  assert.equal(psRow(c(), false, now).Command, `"sh -c 'while true; do sleep 1; done'"`);
  assert.equal(psRow(c({ Names: ['/web', '/other/alias'] }), true, now).Names, 'web');
  assert.equal(psRow(c({ Image: `sha256:${'a'.repeat(64)}` }), true, now).Image, 'aaaaaaaaaaaa');
  assert.equal(psRow(c({ SizeRw: 2048, SizeRootFs: 4_260_000 }), true, now).Size, '2.05kB (virtual 4.26MB)');
});

test('the table: docker\'s header row and aligned columns', () => {
  const rows = [psRow(c(), true, now), psRow(c({ Id: '0123456789abcdef', Names: ['/db'], Status: 'Exited (0) 5 seconds ago', State: 'exited', Command: 'true' }), true, now)];
  const out = formatList(undefined, psTable(false), rows, PS_HEADERS).trimEnd().split('\n');
  assert.deepEqual(out.map((l) => l.split(/ {3,}/)), [
    ['CONTAINER ID', 'IMAGE', 'COMMAND', 'CREATED', 'STATUS', 'PORTS', 'NAMES'],
    ['f3a5c0de1234', 'busybox', '"sh -c \'while true; …"', '2 minutes ago', 'Up 2 minutes', 'web'],
    ['0123456789ab', 'busybox', '"true"', '2 minutes ago', 'Exited (0) 5 seconds ago', 'db'],
  ]);
  // every column starts at the same place on every line (the empty PORTS column included)
  for (const col of ['IMAGE', 'COMMAND', 'CREATED', 'STATUS', 'NAMES']) {
    const at = out[0]!.indexOf(col);
    assert.ok(out.slice(1).every((l) => l[at - 1] === ' ' && l[at] !== ' '), `${col} at ${at}`);
  }
  const custom = formatList('table {{.Names}}\t{{.Label "app"}}\t{{.State}}', psTable(false), rows, PS_HEADERS);
  assert.equal(custom, 'NAMES     LABEL     STATE\nweb       shop      running\ndb        shop      exited\n');
});

test('PORTS: published ports as host->container, unpublished ones grouped into ranges', () => {
  assert.equal(displayablePorts([]), '');
  assert.equal(
    displayablePorts([
      { IP: '0.0.0.0', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' },
      { IP: '::', PrivatePort: 80, PublicPort: 8080, Type: 'tcp' },
    ]),
    '0.0.0.0:8080->80/tcp, [::]:8080->80/tcp',
  );
  assert.equal(
    displayablePorts([
      { PrivatePort: 7002, Type: 'tcp' },
      { PrivatePort: 7000, Type: 'tcp' },
      { PrivatePort: 7001, Type: 'tcp' },
      { PrivatePort: 53, Type: 'udp' },
      { PrivatePort: 9000, Type: 'tcp' },
    ]),
    // docker's order: a range closed by a gap comes first, then the open groups in the order they began
    '7000-7002/tcp, 53/udp, 9000/tcp',
  );
  assert.equal(
    displayablePorts([
      { IP: '127.0.0.1', PrivatePort: 5000, PublicPort: 5000, Type: 'tcp' },
      { IP: '127.0.0.1', PrivatePort: 5001, PublicPort: 5001, Type: 'tcp' },
    ]),
    '127.0.0.1:5000-5001->5000-5001/tcp',
  );
});

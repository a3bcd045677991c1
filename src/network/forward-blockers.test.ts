import assert from 'node:assert/strict';
import { test } from 'node:test';

import { blockerWarning, parseForwardBlockers } from './forward-blockers.js';

test('forward-hook chains of other tables with policy drop are blockers; ours and accepting ones are not', () => {
  const json = JSON.stringify({
    nftables: [
      { metainfo: { version: '1.0.6' } },
      { chain: { family: 'ip', table: 'filter', name: 'FORWARD', hook: 'forward', prio: 0, policy: 'drop' } },
      { chain: { family: 'inet', table: 'fw', name: 'fwd', hook: 'forward', prio: 0, policy: 'accept' } },
      { chain: { family: 'inet', table: 'berth', name: 'forward', hook: 'forward', prio: 0, policy: 'drop' } },
      { chain: { family: 'ip', table: 'filter', name: 'INPUT', hook: 'input', prio: 0, policy: 'drop' } },
      { chain: { family: 'ip', table: 'filter', name: 'DOCKER-USER' } },
    ],
  });
  assert.deepEqual(parseForwardBlockers(json, 'berth'), [{ chain: 'ip filter FORWARD' }]);
});

test('the warning names the chain and what to add', () => {
  assert.equal(blockerWarning([], 'berth0'), undefined);
  const w = blockerWarning([{ chain: 'ip filter FORWARD' }], 'berth0') ?? '';
  assert.match(w, /"ip filter FORWARD" drops forwarded traffic/);
  assert.match(w, /iptables -I FORWARD -i berth0 -j ACCEPT; iptables -I FORWARD -o berth0 -j ACCEPT/);
});

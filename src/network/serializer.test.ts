import assert from 'node:assert/strict';
import { test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';

import { Serializer } from './serializer.js';

test('operations run one at a time, in order, and a failure does not stop the next', async () => {
  const s = new Serializer();
  const log: string[] = [];
  const op = (name: string, ms: number, fail = false) =>
    s.run(async () => {
      log.push(`start ${name}`);
      await sleep(ms);
      log.push(`end ${name}`);
      if (fail) throw new Error(name);
      return name;
    });
  const results = await Promise.allSettled([op('a', 20), op('b', 1, true), op('c', 1)]);
  assert.deepEqual(log, ['start a', 'end a', 'start b', 'end b', 'start c', 'end c']);
  assert.deepEqual(
    results.map((r) => r.status),
    ['fulfilled', 'rejected', 'fulfilled'],
  );
});

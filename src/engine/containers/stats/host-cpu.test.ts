import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { test } from 'node:test';

import { isBerthError } from '../../../errors.js';
import { onlineCpus, parseProcStat, readHostCpu } from './host-cpu.js';

const PROC_STAT = `cpu  100 5 50 1000 10 1 2 7 0 0
cpu0 50 2 25 500 5 1 1 3 0 0
cpu1 50 3 25 500 5 0 1 4 0 0
intr 12345 0 0
ctxt 999
`;

test('system CPU time sums the first seven fields, in ns (USER_HZ 100); online CPUs are the cpuN lines', () => {
  // steal (7) is not counted, as in dockerd.
  assert.deepEqual(parseProcStat(PROC_STAT), { systemCpuNs: (100 + 5 + 50 + 1000 + 10 + 1 + 2) * 1e7, onlineCpus: 2 });
});

test('a /proc/stat without a usable cpu line is an internal error', () => {
  for (const bad of ['intr 1\n', 'cpu  1 2 3\n', 'cpu  a b c d e f g\n']) {
    assert.throws(() => parseProcStat(bad), (e) => isBerthError(e, 'Internal'));
  }
});

test('this host: a read gives a positive time, and onlineCpus agrees with it', { skip: !existsSync('/proc/stat') }, async () => {
  const host = await readHostCpu();
  assert.ok(host.systemCpuNs > 0);
  assert.ok(host.onlineCpus > 0);
  assert.equal(onlineCpus(), host.onlineCpus);
});

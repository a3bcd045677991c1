import assert from 'node:assert/strict';
import { test } from 'node:test';

import { isBerthError } from '../../errors.js';
import { blkioWeightToIoWeight, cpuSharesToWeight, swapToV2 } from './convert.js';

test('cpu shares to weight, as runc converts them', () => {
  assert.equal(cpuSharesToWeight(2), 1);
  assert.equal(cpuSharesToWeight(1024), 39);
  assert.equal(cpuSharesToWeight(262144), 10000);
  assert.equal(cpuSharesToWeight(0), 0);
});

test('blkio weight to io weight', () => {
  assert.equal(blkioWeightToIoWeight(10), 1);
  assert.equal(blkioWeightToIoWeight(500), 4950);
  assert.equal(blkioWeightToIoWeight(1000), 10000);
});

test('OCI memory+swap becomes v2 swap alone', () => {
  const ctx = 'cgroup "berth/x"';
  assert.equal(swapToV2(ctx, 300, 100), 200);
  assert.equal(swapToV2(ctx, 100, 100), 0); // swap == limit: no swap at all
  assert.equal(swapToV2(ctx, -1, 100), -1);
  assert.equal(swapToV2(ctx, undefined, -1), -1); // unlimited memory, swap unsaid: unlimited
  assert.equal(swapToV2(ctx, undefined, 100), undefined);
  assert.throws(
    () => swapToV2(ctx, 50, 100),
    (e: unknown) => isBerthError(e, 'InvalidArgument') && e.message === 'cgroup "berth/x": memory.swap.max: memory+swap limit 50 is below the memory limit 100',
  );
  assert.throws(() => swapToV2(ctx, 100, undefined), /cannot limit swap without a memory limit/);
});

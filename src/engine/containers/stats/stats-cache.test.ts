import assert from 'node:assert/strict';
import { test } from 'node:test';

import { fakeSample } from './fake-stats.js';
import { StatsCache } from './stats-cache.js';
import type { StatsSample } from './stats-sample.js';

/** A sampler on a clock the test moves; it records which containers it read. */
function fakeSampler() {
  const state = { now: 0, calls: [] as string[] };
  const sample = async (id: string): Promise<StatsSample> => {
    state.calls.push(id);
    return fakeSample(state.now);
  };
  return { state, sample };
}

test('the first one-shot has no previous; the next uses the first', async () => {
  const { state, sample } = fakeSampler();
  const cache = new StatsCache(sample, { maxAgeMs: 10_000 });
  const first = await cache.oneShot('a');
  assert.equal(first.previous, undefined);
  state.now = 1000;
  const second = await cache.oneShot('a');
  assert.equal(second.previous, first.current);
  assert.equal(second.current.read.getTime(), 1000);
  assert.deepEqual(state.calls, ['a', 'a']);
});

test('a cached sample older than maxAge is not used', async () => {
  const { state, sample } = fakeSampler();
  const cache = new StatsCache(sample, { maxAgeMs: 5000 });
  await cache.oneShot('a');
  state.now = 6000;
  assert.equal((await cache.oneShot('a')).previous, undefined);
  state.now = 7000;
  assert.equal((await cache.oneShot('a')).previous?.read.getTime(), 6000);
});

test('requests faster than minIntervalMs keep comparing against the older sample', async () => {
  const { state, sample } = fakeSampler();
  const cache = new StatsCache(sample, { maxAgeMs: 10_000, minIntervalMs: 100 });
  await cache.oneShot('a');
  state.now = 1000;
  await cache.oneShot('a');
  for (const now of [1010, 1020, 1050]) {
    state.now = now;
    assert.equal((await cache.oneShot('a')).previous?.read.getTime(), 0, `at ${now}`);
  }
  state.now = 1200;
  assert.equal((await cache.oneShot('a')).previous?.read.getTime(), 1050);
});

test('concurrent one-shots of a container share one read', async () => {
  const { state, sample } = fakeSampler();
  const cache = new StatsCache(sample, { maxAgeMs: 10_000 });
  const [x, y] = await Promise.all([cache.oneShot('a'), cache.oneShot('a')]);
  assert.equal(x, y);
  assert.deepEqual(state.calls, ['a']);
});

test('one-shots of 50 containers read each once and wait for nothing else', async () => {
  const { state, sample } = fakeSampler();
  const cache = new StatsCache(sample, { maxAgeMs: 10_000 });
  const ids = Array.from({ length: 50 }, (_, i) => `c${i}`);
  await Promise.all(ids.map((id) => cache.oneShot(id)));
  state.now = 1000;
  let answered = false;
  const all = Promise.all(ids.map((id) => cache.oneShot(id))).then((pairs) => {
    answered = true;
    return pairs;
  });
  // The sampler answers at once, so every answer is in before the event loop
  // turns once: no timer, no sleep between the two samples.
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(answered, true);
  const pairs = await all;
  assert.equal(state.calls.length, 100);
  assert.ok(pairs.every((p) => p.previous?.read.getTime() === 0));
});

test('a stream gives each sample with the one before it, until aborted', async () => {
  const { state, sample } = fakeSampler();
  const cache = new StatsCache(sample, { maxAgeMs: 10_000 });
  state.now = 0;
  await cache.oneShot('a');
  state.now = 500;
  const abort = new AbortController();
  const seen: [number, number | undefined][] = [];
  for await (const { current, previous } of cache.stream('a', 5, abort.signal)) {
    seen.push([current.read.getTime(), previous?.read.getTime()]);
    state.now += 1000;
    if (seen.length === 3) abort.abort();
  }
  assert.deepEqual(seen, [
    [500, 0],
    [1500, 500],
    [2500, 1500],
  ]);
});

test('a failed read ends a stream with its error', async () => {
  let n = 0;
  const cache = new StatsCache(
    async () => {
      if (++n > 1) throw new Error('container gone');
      return fakeSample(0);
    },
    { maxAgeMs: 10_000 },
  );
  const seen = [];
  await assert.rejects(async () => {
    for await (const pair of cache.stream('a', 1)) seen.push(pair);
  }, /container gone/);
  assert.equal(seen.length, 1);
});

test('forget drops the kept samples, also when a read was under way', async () => {
  const { state, sample } = fakeSampler();
  const cache = new StatsCache(sample, { maxAgeMs: 10_000 });
  await cache.oneShot('a');
  cache.forget('a');
  state.now = 1000;
  assert.equal((await cache.oneShot('a')).previous, undefined);
  state.now = 2000;
  const reading = cache.oneShot('a');
  cache.forget('a');
  await reading;
  state.now = 3000;
  assert.equal((await cache.oneShot('a')).previous, undefined);
});

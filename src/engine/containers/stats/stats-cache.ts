import { setTimeout as sleep } from 'node:timers/promises';

import type { StatsSample } from './stats-sample.js';

export interface StatsPair {
  current: StatsSample;
  /** the sample CPU % is computed against; undefined when there is none recent enough */
  previous: StatsSample | undefined;
}

export interface StatsCacheOptions {
  /** An older sample is not used as `previous`: CPU % would average over too long a time. */
  maxAgeMs: number;
  /**
   * Nor is a sample younger than this: /proc/stat counts in 10 ms ticks, so
   * over a few ms the host's CPU time may not move and CPU % is noise.
   * Default 100.
   */
  minIntervalMs?: number;
}

interface Entry {
  latest?: StatsSample | undefined;
  /** the sample `latest` was compared against, kept while requests come faster than minIntervalMs */
  baseline?: StatsSample | undefined;
  inflight?: Promise<StatsPair> | undefined;
}

/**
 * The last samples of each container. dockerd answers `stats?stream=false`
 * by sampling twice a second apart (so precpu_stats means something); here
 * the earlier sample is one kept from a previous request or stream, so the
 * answer costs one read of the cgroup files, and `docker stats --no-stream`
 * over 50 containers costs 50 reads, not 50 seconds of waiting.
 */
export class StatsCache {
  readonly #entries = new Map<string, Entry>();
  readonly #sample: (id: string) => Promise<StatsSample>;
  readonly #maxAgeMs: number;
  readonly #minIntervalMs: number;

  constructor(sampleFn: (id: string) => Promise<StatsSample>, options: StatsCacheOptions) {
    this.#sample = sampleFn;
    this.#maxAgeMs = options.maxAgeMs;
    this.#minIntervalMs = options.minIntervalMs ?? 100;
  }

  /** A fresh sample, with a cached one as `previous` when there is one of a usable age. Concurrent calls share one read. */
  oneShot(id: string): Promise<StatsPair> {
    const entry = this.#entries.get(id) ?? {};
    this.#entries.set(id, entry);
    if (entry.inflight !== undefined) return entry.inflight;
    const inflight = this.#take(id, entry).finally(() => {
      entry.inflight = undefined;
    });
    entry.inflight = inflight;
    return inflight;
  }

  /**
   * A sample every `intervalMs` until the signal aborts, each with the one
   * before as `previous` (the first with a cached one, as oneShot). A failed
   * read (the container went away) ends the stream with that error.
   */
  async *stream(id: string, intervalMs: number, signal?: AbortSignal): AsyncGenerator<StatsPair> {
    const first = await this.oneShot(id);
    yield first;
    let last = first.current;
    for (;;) {
      try {
        await sleep(intervalMs, undefined, signal === undefined ? {} : { signal });
      } catch (e) {
        if (signal?.aborted === true) return;
        throw e;
      }
      const { current } = await this.oneShot(id);
      yield { current, previous: last };
      last = current;
    }
  }

  /** Drop what is kept for a container (when it is removed). */
  forget(id: string): void {
    this.#entries.delete(id);
  }

  async #take(id: string, entry: Entry): Promise<StatsPair> {
    const current = await this.#sample(id);
    const previous = this.#usable(entry.latest, current) ?? this.#usable(entry.baseline, current);
    // A forget() while reading: keep nothing for a container that is gone.
    if (this.#entries.get(id) === entry) {
      // While requests come too fast, keep comparing against the same older sample.
      if (previous !== entry.baseline || previous === undefined) entry.baseline = entry.latest;
      entry.latest = current;
    }
    return { current, previous };
  }

  #usable(sample: StatsSample | undefined, current: StatsSample): StatsSample | undefined {
    if (sample === undefined) return undefined;
    const age = current.read.getTime() - sample.read.getTime();
    return age >= this.#minIntervalMs && age <= this.#maxAgeMs ? sample : undefined;
  }
}

/**
 * The measuring loop every table of the container benchmark shares: each
 * round runs every case once, forward on even rounds and in reverse on odd
 * ones, so background load and cache effects fall on all of them alike;
 * the first `warmup` rounds are discarded. A failed case is recorded (and
 * its engine tidied by `recover`), not fatal, unless it fails every time.
 */
import { summarize, type Summary } from './stats.js';

export type Outcome = { ok: true; ms: number; phases?: Record<string, number> } | { ok: false; ms: number; error: string };

export interface Case {
  key: string;
  label: string;
  run(): Promise<Outcome>;
  /** after a failure: put the engine back as the next round expects it */
  recover?(): Promise<void>;
}

export interface CaseResult {
  key: string;
  label: string;
  summary: Summary | undefined;
  /** median of each phase, when the case reports phases */
  phases: Record<string, number>;
  /** errors of the measured rounds */
  failures: string[];
  attempts: number;
}

export async function interleave(
  cases: Case[],
  rounds: { warmup: number; iterations: number },
  progress: (line: string) => void,
  stop: () => boolean,
): Promise<CaseResult[]> {
  const ok = new Map<string, { ms: number; phases?: Record<string, number> }[]>(cases.map((c) => [c.key, []]));
  const failed = new Map<string, string[]>(cases.map((c) => [c.key, []]));
  const total = rounds.warmup + rounds.iterations;
  for (let i = 0; i < total && !stop(); i++) {
    const measured = i >= rounds.warmup;
    const order = i % 2 === 0 ? cases : [...cases].reverse();
    const got: string[] = [];
    for (const c of order) {
      if (stop()) break;
      const o = await c.run();
      if (o.ok) {
        if (measured) ok.get(c.key)?.push(o);
        got.push(`${c.key} ${o.ms.toFixed(0)}`);
      } else {
        if (measured) failed.get(c.key)?.push(o.error);
        got.push(`${c.key} FAILED`);
        progress(`  ${c.key}: ${o.error}`);
        await c.recover?.();
      }
    }
    progress(`${measured ? `iteration ${i + 1 - rounds.warmup}/${rounds.iterations}` : `warm-up ${i + 1}/${rounds.warmup}`}: ${got.join(', ')} (ms)`);
  }
  return cases.map((c) => {
    const samples = ok.get(c.key) ?? [];
    const failures = failed.get(c.key) ?? [];
    if (samples.length === 0 && failures.length > 0) throw new Error(`${c.label}: every run failed; the first: ${failures[0]}`);
    const phases: Record<string, number> = {};
    for (const name of Object.keys(samples[0]?.phases ?? {})) phases[name] = summarize(samples.map((s) => s.phases?.[name] ?? NaN)).median;
    return {
      key: c.key,
      label: c.label,
      summary: samples.length > 0 ? summarize(samples.map((s) => s.ms)) : undefined,
      phases,
      failures,
      attempts: samples.length + failures.length,
    };
  });
}

/**
 * Docker's `filters` query argument, decoded: `{"label": ["a=b"]}`, or the
 * older `{"label": {"a=b": true}}`. The matching rules are those of
 * Docker's filters.Args, so `name=web` matches "web-data" (a value is an
 * unanchored regular expression) and `label=a` matches any value of a.
 */
import { invalidArgument } from '../../errors.js';

export type FilterInput = Readonly<Record<string, readonly string[] | Readonly<Record<string, boolean>>>>;

export class FilterArgs {
  readonly #fields: ReadonlyMap<string, readonly string[]>;

  constructor(input: FilterInput = {}, extra: ReadonlyArray<[string, string]> = []) {
    const fields = new Map<string, string[]>();
    for (const [key, value] of Object.entries(input)) {
      const values = Array.isArray(value)
        ? [...(value as readonly string[])]
        : Object.entries(value as Record<string, boolean>).flatMap(([v, on]) => (on ? [v] : []));
      fields.set(key, values);
    }
    for (const [key, value] of extra) fields.set(key, [...(fields.get(key) ?? []), value]);
    this.#fields = fields;
  }

  /** Refuses keys outside `accepted`: "invalid filter 'x'". */
  validate(accepted: ReadonlySet<string>): void {
    for (const key of this.#fields.keys()) {
      if (!accepted.has(key)) throw invalidArgument('', `invalid filter '${key}'`);
    }
  }

  get(key: string): readonly string[] {
    return this.#fields.get(key) ?? [];
  }

  has(key: string): boolean {
    return this.#fields.has(key);
  }

  /** An exact value, or one that matches as a regular expression. */
  match(key: string, source: string): boolean {
    return this.get(key).some((v) => {
      if (v === source) return true;
      try {
        return new RegExp(v).test(source);
      } catch {
        return false; // not a valid expression: only the exact match counted
      }
    });
  }

  /** Every "k" or "k=v" of `key` is among `labels`; true when there are none. */
  matchLabels(key: string, labels: Readonly<Record<string, string>>): boolean {
    return this.get(key).every((v) => {
      const eq = v.indexOf('=');
      const k = eq === -1 ? v : v.slice(0, eq);
      if (!Object.hasOwn(labels, k)) return false;
      return eq === -1 || labels[k] === v.slice(eq + 1);
    });
  }

  /** A boolean filter ("true"/"1"/"false"/"0"), or `fallback` when absent. */
  bool(key: string, fallback: boolean): boolean {
    const values = this.get(key);
    if (values.length === 0) return fallback;
    const invalid = () => invalidArgument('', `invalid filter '${key}=${values.join(',')}'`);
    if (values.length > 1) throw invalid();
    const v = (values[0] ?? '').toLowerCase();
    if (v === 'true' || v === '1') return true;
    if (v === 'false' || v === '0') return false;
    throw invalid();
  }
}

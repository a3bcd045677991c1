/**
 * Runs async operations one after another. The driver's operations read the
 * state, decide, commit and touch the kernel; two of them interleaved could
 * hand out one address twice or apply an older ruleset over a newer one.
 */
export class Serializer {
  private tail: Promise<unknown> = Promise.resolve();

  run<T>(op: () => Promise<T>): Promise<T> {
    const result = this.tail.then(op, op);
    this.tail = result.catch(() => undefined);
    return result;
  }
}

/**
 * One promise chain per key, shared by every caller in this process: the
 * operations on one volume (create, remove, mount, populate) run one after
 * the other, so two concurrent creates of a name make one volume, and a
 * remove never races a mount of the same volume.
 */
const chains = new Map<string, Promise<unknown>>();

export function withKeyLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
  const prev = chains.get(key) ?? Promise.resolve();
  const next = prev.then(fn, fn);
  const tail = next.catch(() => undefined);
  chains.set(key, tail);
  void tail.then(() => {
    if (chains.get(key) === tail) chains.delete(key);
  });
  return next;
}

/**
 * Many readers or one writer. Pulls, loads and imports share the lock;
 * garbage collection takes it alone, so it never deletes the blobs of an
 * image that is being written but not yet tagged.
 */
export class RwLock {
  private readers = 0;
  private writer: Promise<void> | undefined;
  private waiting: (() => void)[] = [];

  async shared<T>(fn: () => Promise<T>): Promise<T> {
    while (this.writer) await this.writer;
    this.readers++;
    try {
      return await fn();
    } finally {
      this.readers--;
      if (this.readers === 0) this.waiting.splice(0).forEach((w) => w());
    }
  }

  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    while (this.writer) await this.writer;
    let release: () => void = () => {};
    this.writer = new Promise<void>((r) => (release = r));
    try {
      while (this.readers > 0) await new Promise<void>((r) => this.waiting.push(r));
      return await fn();
    } finally {
      this.writer = undefined;
      release();
    }
  }
}

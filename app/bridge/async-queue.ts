// A small push/pull queue that turns callback streams into async iterables.

/** Items pushed by a producer, pulled by one async consumer; end() or fail() closes it. */
export class AsyncQueue<T> implements AsyncIterable<T> {
  readonly #items: T[] = [];
  readonly #waiters: { resolve(result: IteratorResult<T>): void; reject(error: unknown): void }[] = [];
  #done = false;
  #error: unknown = undefined;
  #failed = false;
  readonly #onReturn: (() => void) | undefined;

  constructor(onReturn?: () => void) {
    this.#onReturn = onReturn;
  }

  /** Adds an item for the consumer. */
  push(item: T): void {
    if (this.#done) return;
    const waiter = this.#waiters.shift();
    if (waiter) waiter.resolve({ value: item, done: false });
    else this.#items.push(item);
  }

  /** Ends the stream after the queued items. */
  end(): void {
    if (this.#done) return;
    this.#done = true;
    if (this.#items.length === 0) for (const w of this.#waiters.splice(0)) w.resolve({ value: undefined, done: true });
  }

  /** Ends the stream with an error after the queued items. */
  fail(error: unknown): void {
    if (this.#done) return;
    this.#failed = true;
    this.#error = error;
    this.#done = true;
    if (this.#items.length === 0) for (const w of this.#waiters.splice(0)) w.reject(error);
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => {
        if (this.#items.length > 0) return Promise.resolve({ value: this.#items.shift() as T, done: false });
        if (this.#done)
          return this.#failed ? Promise.reject(this.#error) : Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
      },
      return: () => {
        // The consumer stopped early (break): tell the producer so it can cancel its stream.
        if (!this.#done) {
          this.#done = true;
          this.#items.length = 0;
          this.#onReturn?.();
        }
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}

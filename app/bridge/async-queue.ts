// A small push/pull queue that turns callback streams into async iterables.

/** What lets a queue slow its producer down: the stream it reads from (a gRPC call is one). */
export interface FlowControl {
  pause(): void;
  resume(): void;
}

/** Items waiting past this many pause the producer (see setFlow)... */
export const QUEUE_HIGH_WATER = 256;
/** ...until the consumer has taken them down to this many. */
export const QUEUE_LOW_WATER = 64;

/** Items pushed by a producer, pulled by one async consumer; end(), fail() or abort() closes it. */
export class AsyncQueue<T> implements AsyncIterable<T> {
  // Taken from `#head` on: shift() is O(n), and a fast producer can queue tens of thousands.
  #items: (T | undefined)[] = [];
  #head = 0;
  readonly #waiters: { resolve(result: IteratorResult<T>): void; reject(error: unknown): void }[] = [];
  #done = false;
  #error: unknown = undefined;
  #failed = false;
  readonly #onReturn: (() => void) | undefined;
  #onStart: (() => void) | undefined;
  #flow: FlowControl | undefined;
  #paused = false;

  /**
   * `onReturn`: the consumer stopped early (break). `onStart`: called on the first read, for a producer that
   * should not run before anyone reads (a stream nobody iterates never starts).
   */
  constructor(onReturn?: () => void, onStart?: () => void) {
    this.#onReturn = onReturn;
    this.#onStart = onStart;
  }

  /** Items waiting for the consumer. */
  get size(): number {
    return this.#items.length - this.#head;
  }

  /** Pauses `flow` while more than QUEUE_HIGH_WATER items wait, so a slow consumer slows the producer. */
  setFlow(flow: FlowControl): void {
    this.#flow = flow;
    if (this.size >= QUEUE_HIGH_WATER) this.#pause();
  }

  /** Adds an item for the consumer. */
  push(item: T): void {
    if (this.#done) return;
    const waiter = this.#waiters.shift();
    if (waiter) {
      waiter.resolve({ value: item, done: false });
      return;
    }
    this.#items.push(item);
    if (this.size >= QUEUE_HIGH_WATER) this.#pause();
  }

  /** Ends the stream after the queued items. */
  end(): void {
    if (!this.#done) this.#close(false, undefined);
  }

  /** Ends the stream with an error after the queued items (the producer failed after them). */
  fail(error: unknown): void {
    if (!this.#done) this.#close(true, error);
  }

  /** Ends the stream with an error now, dropping the queued items (the consumer's deadline or abort). */
  abort(error: unknown): void {
    if (this.#done && (this.#failed || this.size === 0)) return;
    this.#drop();
    this.#close(true, error);
  }

  #close(failed: boolean, error: unknown): void {
    this.#done = true;
    this.#failed = failed;
    this.#error = error;
    this.#resume(); // nothing more will be read: a paused producer must not hold its stream open
    if (this.size > 0) return; // the consumer reads what is queued first
    for (const waiter of this.#waiters.splice(0)) {
      if (failed) waiter.reject(error);
      else waiter.resolve({ value: undefined, done: true });
    }
  }

  #drop(): void {
    this.#items = [];
    this.#head = 0;
  }

  #take(): T {
    const item = this.#items[this.#head] as T;
    this.#items[this.#head] = undefined;
    this.#head += 1;
    if (this.#head >= 1024 && this.#head * 2 >= this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    if (this.#paused && this.size <= QUEUE_LOW_WATER) this.#resume();
    return item;
  }

  #pause(): void {
    if (this.#paused || this.#flow === undefined) return;
    this.#paused = true;
    this.#flow.pause();
  }

  #resume(): void {
    if (!this.#paused) return;
    this.#paused = false;
    this.#flow?.resume();
  }

  [Symbol.asyncIterator](): AsyncIterator<T> {
    return {
      next: () => {
        const start = this.#onStart;
        if (start !== undefined) {
          this.#onStart = undefined;
          start();
        }
        if (this.size > 0) return Promise.resolve({ value: this.#take(), done: false });
        if (this.#done)
          return this.#failed ? Promise.reject(this.#error) : Promise.resolve({ value: undefined, done: true });
        return new Promise((resolve, reject) => this.#waiters.push({ resolve, reject }));
      },
      return: () => {
        // The consumer stopped early (break): tell the producer so it can cancel its stream.
        this.#onStart = undefined; // never started: nothing to cancel, and it never will start
        if (!this.#done) {
          this.#drop();
          this.#close(false, undefined);
          this.#onReturn?.();
        }
        return Promise.resolve({ value: undefined, done: true });
      },
    };
  }
}

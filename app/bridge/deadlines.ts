// Deadlines that almost never come due: one Node timer per delay, not one per deadline.
//
// Every call has a deadline (60 s unless its caller says otherwise), and nearly every call ends within
// microseconds, long before it. A Node timer per call cost 0.28 µs to set and clear, plus a Timeout object and a
// closure for the collector, on a host whose whole share of a small call is about 4 µs (docs/ARCHITECTURE.md,
// "Deadlines"). Deadlines of one delay come due in the order they were set (the clock is monotonic), so each delay
// keeps its deadlines in a queue, oldest first, and one timer armed no later than the oldest live one.

/** What a deadline calls when it comes due. */
export interface Expiring {
  expire(): void;
}

/** One deadline; cancel it once its work has ended. */
export interface Deadline {
  cancel(): void;
}

/** The longest delay a Node timer takes (2^31 - 1 ms, about 24.8 days); longer ones are waited for in steps. */
const MAX_TIMER_MS = 2 ** 31 - 1;
/** A queue is compacted once it holds this many cancelled deadlines and more cancelled than live ones. */
const COMPACT_AFTER = 1024;

/** The clock deadlines are kept in (ms), taken once: a test that fakes `performance` must not move it. */
const now: () => number = performance.now.bind(performance);
const realSetTimeout = globalThis.setTimeout;
const realClearTimeout = globalThis.clearTimeout;

class Entry implements Deadline {
  constructor(
    readonly queue: DelayQueue,
    readonly due: number,
    public target: Expiring | undefined,
  ) {}

  cancel(): void {
    if (this.target === undefined) return;
    this.target = undefined;
    this.queue.cancelled(this);
  }
}

/**
 * The deadlines of one delay, due in the order they were set. Its timer stays armed while the queue is empty
 * (unreferenced, so it keeps no process alive): calls made one after another would otherwise set and clear a timer
 * each, as before. The queue goes once its timer fires with nothing left to expire.
 */
class DelayQueue {
  #entries: Entry[] = [];
  /** Index of the oldest entry not yet taken off the queue. */
  #head = 0;
  #live = 0;
  #timer: NodeJS.Timeout | undefined;
  /** When the armed timer fires. */
  #armedFor = Infinity;
  /** Whether the timer keeps the process alive: while a deadline is live, as a timer per call did. */
  #referenced = false;

  constructor(
    readonly delayMs: number,
    readonly onIdle: (queue: DelayQueue) => void,
  ) {}

  add(target: Expiring): Entry {
    const entry = new Entry(this, now() + this.delayMs, target);
    this.#entries.push(entry);
    this.#live += 1;
    // An armed timer is never later than this deadline: every earlier one is due first.
    if (this.#timer === undefined) this.#arm(entry.due);
    else if (!this.#referenced) {
      this.#timer.ref();
      this.#referenced = true;
    }
    return entry;
  }

  cancelled(entry: Entry): void {
    this.#live -= 1;
    if (this.#live === 0) {
      this.#entries = [];
      this.#head = 0;
      this.#timer?.unref();
      this.#referenced = false;
      return;
    }
    // Most calls end in the order they began: the queue's front moves on as they do.
    if (this.#entries[this.#head] === entry) this.#dropCancelledFront();
    const cancelled = this.#entries.length - this.#head - this.#live;
    if (cancelled >= COMPACT_AFTER && cancelled > this.#live) this.#compact();
  }

  #dropCancelledFront(): void {
    const entries = this.#entries;
    while (this.#head < entries.length && entries[this.#head]!.target === undefined) this.#head += 1;
    if (this.#head >= COMPACT_AFTER && this.#head * 2 > entries.length) this.#compact();
  }

  #compact(): void {
    this.#entries = this.#entries.slice(this.#head).filter((entry) => entry.target !== undefined);
    this.#head = 0;
  }

  /** Arms the timer for `due`, or for the longest step a timer takes towards it. */
  #arm(due: number): void {
    const delay = Math.max(0, Math.min(due - now(), MAX_TIMER_MS));
    this.#armedFor = now() + delay;
    this.#timer = realSetTimeout(() => this.#fired(), delay);
    this.#referenced = true;
  }

  #fired(): void {
    this.#timer = undefined;
    const at = now();
    // Taken off before any expires: an expiry may set or cancel deadlines of this delay.
    const due: Entry[] = [];
    const entries = this.#entries;
    while (this.#head < entries.length && entries[this.#head]!.due <= at) {
      const entry = entries[this.#head]!;
      this.#head += 1;
      if (entry.target !== undefined) due.push(entry);
    }
    this.#dropCancelledFront();
    for (const entry of due) {
      const target = entry.target;
      if (target === undefined) continue; // cancelled by an earlier expiry in this round
      entry.target = undefined;
      this.#live -= 1;
      target.expire();
    }
    if (this.#live === 0) {
      this.#entries = [];
      this.#head = 0;
      if (this.#timer === undefined) this.onIdle(this);
      return;
    }
    const next = this.#entries[this.#head];
    if (next === undefined) return;
    // An expiry may have armed a timer for a deadline it set, later than the oldest one left.
    if (this.#timer !== undefined && this.#armedFor <= next.due) return;
    realClearTimeout(this.#timer);
    this.#arm(next.due);
  }
}

/** Deadlines by delay: one queue and one timer for each delay in use. */
export class Deadlines {
  readonly #queues = new Map<number, DelayQueue>();
  readonly #dropIdle = (queue: DelayQueue): void => {
    if (this.#queues.get(queue.delayMs) === queue) this.#queues.delete(queue.delayMs);
  };

  /** Calls `target.expire()` after `delayMs` (at least 0) unless the returned deadline is cancelled first. */
  set(delayMs: number, target: Expiring): Deadline {
    const delay = Math.max(0, delayMs);
    let queue = this.#queues.get(delay);
    if (queue === undefined) {
      queue = new DelayQueue(delay, this.#dropIdle);
      this.#queues.set(delay, queue);
    }
    return queue.add(target);
  }

  /** How many delays have a queue now: those with a deadline set within the last delay (for tests). */
  get delaysInUse(): number {
    return this.#queues.size;
  }
}

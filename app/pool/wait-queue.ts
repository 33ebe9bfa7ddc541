import { ReleasingMap } from "../base/index.js";

/** One call waiting for a worker. */
export interface QueueEntry<T> {
  /** Unique in its queue: entries are kept by id, so that one which left is not reachable from the queue. */
  readonly id: number;
  readonly payload: T;
  readonly enqueuedAt: number;
}

interface Waiting<T> extends QueueEntry<T> {
  timer: NodeJS.Timeout;
  unlisten: () => void;
}

/**
 * FIFO of calls waiting for a worker. Each entry leaves the queue exactly once: taken by the pool,
 * expired by its timeout, or removed by its abort signal; the last two call back so the caller can reject.
 */
export class WaitQueue<T> {
  // Releasing, and keyed by id (app/base/releasing-map.ts): an entry holds its call's whole graph.
  readonly #entries = new ReleasingMap<number, Waiting<T>>();
  #ids = 0;

  /** Number of waiting entries. */
  get size(): number {
    return this.#entries.size;
  }

  /**
   * Adds payload; `onTimeout` runs after timeoutMs and `onAbort` when signal aborts, each after the
   * entry has left the queue.
   */
  push(
    payload: T,
    timeoutMs: number,
    signal: AbortSignal | undefined,
    onTimeout: (entry: QueueEntry<T>) => void,
    onAbort: (reason: unknown) => void,
  ): QueueEntry<T> {
    const entry: QueueEntry<T> = { id: ++this.#ids, payload, enqueuedAt: Date.now() };
    const timer = setTimeout(() => {
      if (this.remove(entry)) onTimeout(entry);
    }, timeoutMs);
    timer.unref();
    let unlisten = (): void => {};
    if (signal !== undefined) {
      const abort = (): void => {
        if (this.remove(entry)) onAbort(signal.reason);
      };
      signal.addEventListener("abort", abort, { once: true });
      unlisten = () => signal.removeEventListener("abort", abort);
    }
    this.#entries.set(entry.id, { ...entry, timer, unlisten });
    return entry;
  }

  /** Entries in arrival order (a copy, so the caller may remove while iterating). */
  list(): QueueEntry<T>[] {
    return [...this.#entries.values()];
  }

  /** Whether entry is still waiting. */
  has(entry: QueueEntry<T>): boolean {
    return this.#entries.has(entry.id);
  }

  /** Takes entry out of the queue, cancelling its timer and abort listener; false if it already left. */
  remove(entry: QueueEntry<T>): boolean {
    const waiting = this.#entries.get(entry.id);
    if (waiting === undefined) return false;
    clearTimeout(waiting.timer);
    waiting.unlisten();
    this.#entries.delete(entry.id);
    return true;
  }

  /** Removes every entry whose payload matches and returns them, oldest first. */
  removeWhere(matches: (payload: T) => boolean): QueueEntry<T>[] {
    const removed: QueueEntry<T>[] = [];
    for (const entry of this.list()) {
      if (matches(entry.payload) && this.remove(entry)) removed.push(entry);
    }
    return removed;
  }
}

// A Map for short-lived entries on a hot path (calls awaiting their answers): its delete lets go of the value at once.
//
// V8 keeps what a long-lived Map held under a deleted key reachable to its young-generation collector until the
// Map's table is rebuilt: every value deleted from it since survives each scavenge in between, is promoted to the old
// generation with everything it references, and waits there for a full collection. With calls coming and going at
// 80 k/s, that was 43 % of the host's young objects surviving each scavenge (0.4 % without the Map) and 2.5-3 µs of
// garbage collection per call (docs/ARCHITECTURE.md, "The host's garbage collector"). Here each value sits in a small
// box that delete empties, so only the box can linger.

/** A Map whose delete drops its reference to the value immediately (see above). */
export class ReleasingMap<K, V extends object> {
  readonly #boxes = new Map<K, { value: V | undefined }>();

  /** Number of entries. */
  get size(): number {
    return this.#boxes.size;
  }

  /** Whether `key` has an entry. */
  has(key: K): boolean {
    return this.#boxes.has(key);
  }

  /** The value under `key`, or undefined. */
  get(key: K): V | undefined {
    return this.#boxes.get(key)?.value;
  }

  /** Sets the value under `key`, replacing any. */
  set(key: K, value: V): this {
    const box = this.#boxes.get(key);
    if (box === undefined) this.#boxes.set(key, { value });
    else box.value = value;
    return this;
  }

  /** Removes `key`'s entry and lets go of its value; false when there was none. */
  delete(key: K): boolean {
    const box = this.#boxes.get(key);
    if (box === undefined) return false;
    box.value = undefined;
    return this.#boxes.delete(key);
  }

  /** The values, in insertion order. */
  *values(): IterableIterator<V> {
    for (const box of this.#boxes.values()) if (box.value !== undefined) yield box.value;
  }

  /** Removes every entry and lets go of every value. */
  clear(): void {
    for (const box of this.#boxes.values()) box.value = undefined;
    this.#boxes.clear();
  }
}

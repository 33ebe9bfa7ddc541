// A Map for short-lived entries on a hot path (calls awaiting their answers): its delete lets go of the value at once.
//
// Measured in V8 (Node 20): values deleted from a long-lived Map or Set whose size keeps changing stay reachable to
// the young-generation collector for a while. Each one survives the scavenges in between, is promoted to the old
// generation with everything it references, and waits there for a full collection; a heap snapshot (which collects
// fully first) finds none of them. The likely cause is the tables such a Map leaves behind when it grows or shrinks,
// which keep their entries for iterators still on them. With calls coming and going at 80 k/s that was 43 % of the
// host's young objects surviving each scavenge (0.4 % with the Map taken out) and 2.5-3 µs of collection per call
// (docs/ARCHITECTURE.md, "The host's garbage collector"). Here each value sits in a small box that delete empties,
// so only the box and the key can linger: key by strings or numbers, never by an object that holds the value's graph.

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

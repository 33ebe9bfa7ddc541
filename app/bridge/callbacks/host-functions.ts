// The host functions Python may call back: TypeScript functions sent as arguments (issue 17).
import { randomUUID } from "node:crypto";
import type { PyCallback } from "../values.js";

interface Entry {
  fn: PyCallback;
  /** Copies sent to workers and not yet released by them. */
  sent: number;
}

/**
 * Functions sent to Python, by id. A function keeps one id while any worker holds a proxy for it; every time it
 * is sent counts, and the worker's releases (with how many copies each proxy received) count down, so a release
 * that crosses a new send on the wire never forgets a function Python is about to receive.
 */
export class HostFunctions {
  readonly #byId = new Map<string, Entry>();
  readonly #ids = new WeakMap<PyCallback, string>();

  /** Registers (or re-sends) a function; returns the id and name that travel to Python. */
  send(fn: PyCallback): { id: string; name: string } {
    let id = this.#ids.get(fn);
    let entry = id === undefined ? undefined : this.#byId.get(id);
    if (id === undefined || entry === undefined) {
      id = randomUUID();
      entry = { fn, sent: 0 };
      this.#ids.set(fn, id);
      this.#byId.set(id, entry);
    }
    entry.sent += 1;
    return { id, name: fn.name || "anonymous" };
  }

  /** The function with that id, while Python holds it. */
  get(id: string): PyCallback | undefined {
    return this.#byId.get(id)?.fn;
  }

  /** A worker dropped its proxy, which had received `count` copies. */
  release(id: string, count: number): void {
    const entry = this.#byId.get(id);
    if (entry === undefined) return;
    entry.sent -= count;
    if (entry.sent > 0) return;
    this.#byId.delete(id);
    this.#ids.delete(entry.fn);
  }

  /** True while Python holds a proxy for `fn`. */
  holds(fn: PyCallback): boolean {
    const id = this.#ids.get(fn);
    return id !== undefined && this.#byId.has(id);
  }

  /** How many functions Python holds now. */
  get size(): number {
    return this.#byId.size;
  }
}

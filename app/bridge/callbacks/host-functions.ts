// The host functions Python may call back: TypeScript functions sent as arguments (issue 17).
import { randomUUID } from "node:crypto";
import type { EncodeContext } from "../codec.js";
import type { PyCallback } from "../values.js";

interface Entry {
  fn: PyCallback;
  /** Copies encoded into messages that have not reached a worker yet. */
  pending: number;
  /** Copies each worker received and has not released: its proxies hold the function. */
  held: Map<string, number>;
}

/**
 * Functions sent to Python, by id. A function keeps one id while any worker holds a proxy for it, or a message
 * carrying it is on its way. Copies are counted per worker: the worker's releases (with how many copies each proxy
 * received) count down, so a release that crosses a new send on the wire never forgets a function Python is about
 * to receive, and a worker that exits (a crash, a recycle) releases everything it held.
 */
export class HostFunctions {
  readonly #byId = new Map<string, Entry>();
  readonly #ids = new WeakMap<PyCallback, string>();

  /** Registers (or re-sends) a function for a message about to be sent; returns the id and name that travel. */
  send(fn: PyCallback): { id: string; name: string } {
    let id = this.#ids.get(fn);
    let entry = id === undefined ? undefined : this.#byId.get(id);
    if (id === undefined || entry === undefined) {
      id = randomUUID();
      entry = { fn, pending: 0, held: new Map() };
      this.#ids.set(fn, id);
      this.#byId.set(id, entry);
    }
    entry.pending += 1;
    return { id, name: fn.name || "anonymous" };
  }

  /** A message carrying `ids` (one per copy) reached `workerId`. */
  deliver(ids: readonly string[], workerId: string): void {
    for (const id of ids) {
      const entry = this.#byId.get(id);
      if (entry === undefined) continue;
      entry.pending -= 1;
      entry.held.set(workerId, (entry.held.get(workerId) ?? 0) + 1);
    }
  }

  /** A message carrying `ids` will never be sent (its call ended first). */
  abandon(ids: readonly string[]): void {
    for (const id of ids) {
      const entry = this.#byId.get(id);
      if (entry === undefined) continue;
      entry.pending -= 1;
      this.#forgetIfUnused(id, entry);
    }
  }

  /** The function with that id, while Python holds it. */
  get(id: string): PyCallback | undefined {
    return this.#byId.get(id)?.fn;
  }

  /** A proxy in `workerId` was dropped, having received `count` copies. */
  release(id: string, count: number, workerId: string): void {
    const entry = this.#byId.get(id);
    if (entry === undefined) return;
    const left = (entry.held.get(workerId) ?? 0) - count;
    if (left > 0) entry.held.set(workerId, left);
    else entry.held.delete(workerId);
    this.#forgetIfUnused(id, entry);
  }

  /** `workerId`'s process is gone, and every proxy it held with it. */
  forgetWorker(workerId: string): void {
    for (const [id, entry] of this.#byId) {
      if (entry.held.delete(workerId)) this.#forgetIfUnused(id, entry);
    }
  }

  /** True while Python holds a proxy for `fn` (or one is on its way). */
  holds(fn: PyCallback): boolean {
    const id = this.#ids.get(fn);
    return id !== undefined && this.#byId.has(id);
  }

  /** How many functions Python holds now. */
  get size(): number {
    return this.#byId.size;
  }

  #forgetIfUnused(id: string, entry: Entry): void {
    if (entry.pending > 0 || entry.held.size > 0) return;
    this.#byId.delete(id);
    this.#ids.delete(entry.fn);
  }
}

/**
 * The functions one outgoing message carries, and the encode context that counts them; delivered to the worker that
 * receives the message, or abandoned. One per call, allocating nothing more unless a function is sent.
 */
export class OutgoingFunctions implements EncodeContext {
  readonly #functions: HostFunctions;
  #ids: string[] | undefined;
  #settled = false;

  constructor(functions: HostFunctions) {
    this.#functions = functions;
  }

  /** Counts a function the message carries (called by encodeValue). */
  hostFunction(fn: PyCallback): { id: string; name: string } {
    const sent = this.#functions.send(fn);
    (this.#ids ??= []).push(sent.id);
    return sent;
  }

  /** The message is being sent to `workerId`. */
  deliver(workerId: string): void {
    if (this.#settled) return;
    this.#settled = true;
    if (this.#ids !== undefined) this.#functions.deliver(this.#ids, workerId);
  }

  /** The call has ended: if its message was never sent, nothing holds what it carried. */
  settle(): void {
    if (this.#settled) return;
    this.#settled = true;
    if (this.#ids !== undefined) this.#functions.abandon(this.#ids);
  }
}

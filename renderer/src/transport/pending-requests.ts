// Requests waiting for their answer, keyed by id. Shared by the WebSocket and IPC channels so
// that both settle, cancel and fail requests the same way.
import { ApiError } from "../api";
import type { ApiErrorPayload, RequestName } from "../api";

interface Pending {
  method: RequestName;
  resolve: (result: unknown) => void;
  reject: (error: ApiError) => void;
  detachAbort: () => void;
}

export class PendingRequests {
  #nextId = 1;
  readonly #byId = new Map<number, Pending>();

  /** Registers a request; `onCancel` runs when the signal aborts before an answer arrives. */
  add(
    method: RequestName,
    signal: AbortSignal | undefined,
    onCancel: (id: number) => void,
  ): { id: number; promise: Promise<unknown> } {
    const id = this.#nextId++;
    const promise = new Promise<unknown>((resolve, reject) => {
      const abort = (): void => {
        if (!this.#byId.has(id)) return;
        onCancel(id);
        this.fail(id, { code: "cancelled", message: `${method} was cancelled` });
      };
      signal?.addEventListener("abort", abort, { once: true });
      this.#byId.set(id, {
        method,
        resolve,
        reject,
        detachAbort: () => signal?.removeEventListener("abort", abort),
      });
    });
    return { id, promise };
  }

  resolve(id: number, result: unknown): void {
    const pending = this.#take(id);
    pending?.resolve(result);
  }

  fail(id: number, error: ApiErrorPayload): void {
    const pending = this.#take(id);
    pending?.reject(new ApiError(error));
  }

  /** Fails every waiting request, e.g. when the connection drops: their answers will never come. */
  failAll(describe: (method: RequestName) => ApiErrorPayload): void {
    for (const [id, pending] of [...this.#byId]) this.fail(id, describe(pending.method));
  }

  get size(): number {
    return this.#byId.size;
  }

  #take(id: number): Pending | undefined {
    const pending = this.#byId.get(id);
    if (!pending) return undefined;
    this.#byId.delete(id);
    pending.detachAbort();
    return pending;
  }
}

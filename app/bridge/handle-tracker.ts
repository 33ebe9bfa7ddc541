// The Python objects TypeScript holds (PyHandles): how they are decoded, and how each is released in its worker
// when it is released by hand or garbage collected.
import type { WorkerInfo } from "../pool/index.js";
import type { HandleContext } from "./codec.js";
import type { HandleOwner, PyCallback, PyHandle } from "./values.js";
import type { WorkerConnection } from "./worker-client.js";

/** Where the tracker finds a worker by id (the pool's current view). */
export interface WorkerDirectory {
  info(workerId: string): WorkerInfo | undefined;
  connection(workerId: string): WorkerConnection | undefined;
}

/** What the finalizer holds for a handle: enough to release its object, never the handle itself. */
interface HeldHandle {
  id: string;
  workerId: string;
  generation: number;
}

/** Releases the Python object behind each handle once, in the worker process that created it. */
export class HandleTracker {
  readonly #finalizer = new FinalizationRegistry<HeldHandle>((held) => {
    void this.#release(held);
  });
  #closed = false;
  readonly #owner: HandleOwner;
  readonly #workers: WorkerDirectory;
  readonly #hostFunction: (id: string) => PyCallback | undefined;
  readonly #contexts = new Map<string, HandleContext>();

  constructor(owner: HandleOwner, workers: WorkerDirectory, hostFunction: (id: string) => PyCallback | undefined) {
    this.#owner = owner;
    this.#workers = workers;
    this.#hostFunction = hostFunction;
  }

  /** How values decoded from `worker` become handles (tracked for release when garbage collected). */
  context(worker: Pick<WorkerInfo, "id" | "generation">): HandleContext {
    // One per worker process, kept: every answer is decoded with one.
    const kept = this.#contexts.get(worker.id);
    if (kept !== undefined && kept.generation === worker.generation) return kept;
    const { id: workerId, generation } = worker;
    const context: HandleContext = {
      owner: this.#owner,
      workerId,
      generation,
      track: (handle) => this.#finalizer.register(handle, { id: handle.id, workerId, generation }, handle),
      hostFunction: this.#hostFunction,
    };
    this.#contexts.set(workerId, context);
    return context;
  }

  /** Releases a handle's object now (PyHandle.release()). */
  async release(handle: PyHandle): Promise<void> {
    this.#finalizer.unregister(handle);
    await this.#release(handle);
  }

  /** Stops releasing: the workers are going away with their objects. */
  close(): void {
    this.#closed = true;
  }

  async #release({ id, workerId, generation }: HeldHandle): Promise<void> {
    if (this.#closed) return;
    const worker = this.#workers.info(workerId);
    // A replaced worker took its objects with it: nothing to release.
    if (!worker || worker.generation !== generation) return;
    // Best effort: a worker that dies meanwhile frees the object anyway.
    await this.#workers
      .connection(workerId)
      ?.release([id])
      .catch(() => undefined);
  }
}

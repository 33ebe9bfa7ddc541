// Disposables: whatever starts a process, stream, timer or listener returns one, and its owner disposes it.
// The one lifecycle vocabulary of the app, after VS Code's lifecycle.ts. Browser-safe: no node: imports.

/** Something that holds a resource until `dispose()` releases it; disposing twice is harmless. */
export interface IDisposable {
  dispose(): void;
}

/** Wraps a cleanup function as a disposable that runs it at most once. */
export function toDisposable(cleanup: () => void): IDisposable {
  let done = false;
  return {
    dispose() {
      if (done) return;
      done = true;
      cleanup();
    },
  };
}

/** Disposes each of `disposables`; every one is tried, and the first error is rethrown after all have run. */
export function disposeAll(disposables: Iterable<IDisposable>): void {
  const errors: unknown[] = [];
  for (const disposable of disposables) {
    try {
      disposable.dispose();
    } catch (error) {
      errors.push(error);
    }
  }
  if (errors.length === 1) throw errors[0];
  if (errors.length > 1) throw new AggregateError(errors, `${errors.length} disposables failed to dispose`);
}

/**
 * Owns a set of disposables and disposes them together. Adding to a disposed store disposes the newcomer at once,
 * so a resource created after shutdown began can never leak.
 */
export class DisposableStore implements IDisposable {
  readonly #items = new Set<IDisposable>();
  #disposed = false;

  get isDisposed(): boolean {
    return this.#disposed;
  }

  /** Takes ownership of `disposable` and returns it, for `const x = store.add(create())`. */
  add<T extends IDisposable>(disposable: T): T {
    if (this.#disposed) {
      disposable.dispose();
      return disposable;
    }
    this.#items.add(disposable);
    return disposable;
  }

  /** Gives up ownership without disposing (the caller takes it over). */
  delete(disposable: IDisposable): void {
    this.#items.delete(disposable);
  }

  /** Disposes everything held so far and keeps the store usable. */
  clear(): void {
    const items = [...this.#items];
    this.#items.clear();
    disposeAll(items);
  }

  dispose(): void {
    if (this.#disposed) return;
    this.#disposed = true;
    this.clear();
  }
}

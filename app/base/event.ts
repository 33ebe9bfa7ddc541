// Events: one Emitter<T> for every listener set in the app, with one policy for a listener that throws.
import { describeError } from "./errors.js";
import { toDisposable, type IDisposable } from "./lifecycle.js";

/** Subscribes `listener`; the returned disposable unsubscribes it. */
export type Event<T> = (listener: (value: T) => void) => IDisposable;

type ListenerErrorHandler = (error: unknown, eventName: string) => void;

let listenerErrorHandler: ListenerErrorHandler = (error, eventName) => {
  console.error(`[snakebridge] a listener of "${eventName}" threw: ${describeError(error)}`);
};

/**
 * Sets where errors thrown by listeners go (the host logs them; tests may collect them). The one policy: a throwing
 * listener is reported here and never stops delivery to the others, nor reaches the code that fired the event.
 */
export function setListenerErrorHandler(handler: ListenerErrorHandler): IDisposable {
  const previous = listenerErrorHandler;
  listenerErrorHandler = handler;
  return toDisposable(() => {
    listenerErrorHandler = previous;
  });
}

/** A typed event source: owners call `fire`, subscribers use `event`. */
export class Emitter<T> implements IDisposable {
  readonly #listeners = new Set<(value: T) => void>();
  readonly #name: string;
  #disposed = false;

  /** `name` appears in listener-error reports, so a failure says which event it came from. */
  constructor(name = "event") {
    this.#name = name;
  }

  /** Subscribe here. The same function subscribed twice is called twice, once per subscription. */
  readonly event: Event<T> = (listener) => {
    if (this.#disposed) return toDisposable(() => undefined);
    // Wrapping gives each subscription its own identity, so two subscriptions of one function stay separate.
    const entry = (value: T): void => listener(value);
    this.#listeners.add(entry);
    return toDisposable(() => this.#listeners.delete(entry));
  };

  get hasListeners(): boolean {
    return this.#listeners.size > 0;
  }

  /** Delivers `value` to every current listener; listeners added during delivery wait for the next fire. */
  fire(value: T): void {
    if (this.#listeners.size === 0) return;
    for (const listener of [...this.#listeners]) {
      try {
        listener(value);
      } catch (error) {
        listenerErrorHandler(error, this.#name);
      }
    }
  }

  /** Drops every listener; later subscriptions are no-ops. */
  dispose(): void {
    this.#disposed = true;
    this.#listeners.clear();
  }
}

/** Resolves with the next value `event` delivers (and unsubscribes). */
export function nextValue<T>(event: Event<T>): Promise<T> {
  return new Promise((resolve) => {
    const subscription = event((value) => {
      subscription.dispose();
      resolve(value);
    });
  });
}

// Typed fan-out of WorkbenchEvents to every connected transport.
import type { EventName, WorkbenchEvents } from "../../api/workbench-api.js";

/** One emitted event, in the shape the transports send. */
export type HostEvent = { [E in EventName]: { event: E; payload: WorkbenchEvents[E] } }[EventName];

export type HostEventListener = (event: HostEvent) => void;

/** Delivers each event once to each listener; a failing listener does not stop the others. */
export class EventHub {
  readonly #listeners = new Set<HostEventListener>();

  /** Subscribes to every event; returns the unsubscribe function. */
  on(listener: HostEventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Sends an event to every listener. */
  emit<E extends EventName>(event: E, payload: WorkbenchEvents[E]): void {
    const message = { event, payload } as HostEvent;
    for (const listener of this.#listeners) {
      try {
        listener(message);
      } catch (error) {
        // A broken connection must not silence the others; the failure still reaches the log.
        console.error(`snakebridge host: delivering "${event}" failed:`, error);
      }
    }
  }

  /** Drops every listener (host shutdown). */
  clear(): void {
    this.#listeners.clear();
  }
}

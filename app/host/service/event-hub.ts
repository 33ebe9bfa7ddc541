// Typed fan-out of WorkbenchEvents to every connected transport.
import type { EventName, WorkbenchEvents } from "../../api/workbench-api.js";
import { Emitter, type IDisposable } from "../../base/index.js";

/** One emitted event, in the shape the transports send. */
export type HostEvent = { [E in EventName]: { event: E; payload: WorkbenchEvents[E] } }[EventName];

export type HostEventListener = (event: HostEvent) => void;

/** Delivers each event once to each listener; a failing listener does not stop the others (app/base's policy). */
export class EventHub {
  readonly #events = new Emitter<HostEvent>("host event");

  /** Subscribes to every event until the result is disposed. */
  on(listener: HostEventListener): IDisposable {
    return this.#events.event(listener);
  }

  /** Sends an event to every listener. */
  emit<E extends EventName>(event: E, payload: WorkbenchEvents[E]): void {
    // The mapped union cannot be narrowed from a generic E; the pair is consistent by emit's signature.
    this.#events.fire({ event, payload } as HostEvent);
  }

  /** Drops every listener (host shutdown). */
  clear(): void {
    this.#events.dispose();
  }
}

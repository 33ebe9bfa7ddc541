// Event and connection-state emitters, shared by both channels: one Emitter per host event.
import { Emitter, type IDisposable } from "../base";
import type { EventName, WorkbenchEvents } from "../api";

export type ConnectionState = "connecting" | "open" | "closed";

type EventEmitters = { [E in EventName]: Emitter<WorkbenchEvents[E]> };

/** One emitter per event the contract names (a new event that is not listed here fails to compile). */
function eventEmitters(): EventEmitters {
  return {
    "host.status": new Emitter("host.status"),
    "pool.changed": new Emitter("pool.changed"),
    "worker.output": new Emitter("worker.output"),
    "notebook.output": new Emitter("notebook.output"),
    "console.output": new Emitter("console.output"),
    "training.updated": new Emitter("training.updated"),
    "training.points": new Emitter("training.points"),
    "training.event": new Emitter("training.event"),
    "training.install": new Emitter("training.install"),
  };
}

export class EventListeners implements IDisposable {
  readonly #byEvent = eventEmitters();
  readonly #stateEmitter = new Emitter<ConnectionState>("connection");
  #state: ConnectionState = "connecting";

  /** Subscribes to one host event; dispose the result to unsubscribe. */
  subscribe<E extends EventName>(event: E, listener: (payload: WorkbenchEvents[E]) => void): IDisposable {
    const emitter: Emitter<WorkbenchEvents[E]> = this.#byEvent[event];
    return emitter.event(listener);
  }

  /** Delivers a host event; a listener that throws is reported (app/base's policy) and the others still hear it. */
  emit<E extends EventName>(event: E, payload: WorkbenchEvents[E]): void {
    const emitter: Emitter<WorkbenchEvents[E]> = this.#byEvent[event];
    emitter.fire(payload);
  }

  /** Calls `listener` with the current state now and with every change. */
  onConnectionChange(listener: (state: ConnectionState) => void): IDisposable {
    const subscription = this.#stateEmitter.event(listener);
    listener(this.#state);
    return subscription;
  }

  setState(state: ConnectionState): void {
    if (state === this.#state) return;
    this.#state = state;
    this.#stateEmitter.fire(state);
  }

  get connectionState(): ConnectionState {
    return this.#state;
  }

  dispose(): void {
    for (const emitter of Object.values(this.#byEvent)) emitter.dispose();
    this.#stateEmitter.dispose();
  }
}

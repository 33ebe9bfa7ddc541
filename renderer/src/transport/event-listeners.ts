// Event and connection-state listeners, shared by both channels.
import type { EventName, Unsubscribe, WorkbenchEvents } from "../api";

export type ConnectionState = "connecting" | "open" | "closed";

export class EventListeners {
  private readonly byEvent = new Map<EventName, Set<(payload: unknown) => void>>();
  private readonly stateListeners = new Set<(state: ConnectionState) => void>();
  private state: ConnectionState = "connecting";

  subscribe<E extends EventName>(event: E, listener: (payload: WorkbenchEvents[E]) => void): Unsubscribe {
    let set = this.byEvent.get(event);
    if (!set) {
      set = new Set();
      this.byEvent.set(event, set);
    }
    const untyped = listener as (payload: unknown) => void;
    set.add(untyped);
    return () => set.delete(untyped);
  }

  emit(event: EventName, payload: unknown): void {
    for (const listener of this.byEvent.get(event) ?? []) {
      try {
        listener(payload);
      } catch (error) {
        // One broken view must not stop the others from hearing the event.
        console.error(`Listener for "${event}" failed`, error);
      }
    }
  }

  onConnectionChange(listener: (state: ConnectionState) => void): Unsubscribe {
    this.stateListeners.add(listener);
    listener(this.state);
    return () => this.stateListeners.delete(listener);
  }

  setState(state: ConnectionState): void {
    if (state === this.state) return;
    this.state = state;
    for (const listener of this.stateListeners) listener(state);
  }

  get connectionState(): ConnectionState {
    return this.state;
  }
}

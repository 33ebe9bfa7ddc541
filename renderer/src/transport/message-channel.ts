// What both transports share: request ids, cancellation, event listeners and routing of host messages.
// A subclass only says how a ClientMessage leaves (`send`) and hands incoming messages to `receive`.
import type { ClientMessage, ServerMessage } from "../api";
import type { EventName, RequestName, RequestParams, RequestResult, WorkbenchEvents } from "../api";
import type { IDisposable } from "../base";
import type { Channel } from "./channel.js";
import { EventListeners } from "./event-listeners.js";
import type { ConnectionState } from "./event-listeners.js";
import { PendingRequests } from "./pending-requests.js";

export abstract class MessageChannel implements Channel {
  protected readonly pending = new PendingRequests();
  protected readonly listeners = new EventListeners();

  /** Delivers one message to the host (or queues it until it can be delivered). */
  protected abstract send(message: ClientMessage): void;

  request<K extends RequestName>(method: K, params: RequestParams<K>, signal?: AbortSignal): Promise<RequestResult<K>> {
    if (signal?.aborted) return Promise.reject(new DOMException(`${method} was cancelled`, "AbortError"));
    const { id, promise } = this.pending.add(method, signal, (cancelled) =>
      this.send({ kind: "cancel", id: cancelled }),
    );
    this.send({ kind: "request", id, method, params });
    return promise as Promise<RequestResult<K>>;
  }

  subscribe<E extends EventName>(event: E, listener: (payload: WorkbenchEvents[E]) => void): IDisposable {
    return this.listeners.subscribe(event, listener);
  }

  onConnectionChange(listener: (state: ConnectionState) => void): IDisposable {
    return this.listeners.onConnectionChange(listener);
  }

  /** Routes one host message to the request it answers or to the event's listeners. */
  protected receive(message: ServerMessage): void {
    switch (message.kind) {
      case "response":
        this.pending.resolve(message.id, message.result);
        break;
      case "error":
        this.pending.fail(message.id, message.error);
        break;
      case "event":
        this.listeners.emit(message.event, message.payload);
        break;
    }
  }
}

// WorkbenchChannel over Electron IPC: the preload's `window.snakebridge` carries the same messages
// as the WebSocket, structured-cloned. The main process lives as long as the window, so there is
// nothing to reconnect.
import type { PreloadApi } from "../api";
import type {
  EventName,
  RequestName,
  RequestParams,
  RequestResult,
  Unsubscribe,
  WorkbenchChannel,
  WorkbenchEvents,
} from "../api";
import { EventListeners } from "./event-listeners.js";
import type { ConnectionState } from "./event-listeners.js";
import { PendingRequests } from "./pending-requests.js";
import { dispatchServerMessage } from "./socket-channel.js";

export class IpcChannel implements WorkbenchChannel {
  private readonly pending = new PendingRequests();
  private readonly listeners = new EventListeners();
  private readonly detach: () => void;

  constructor(private readonly preload: PreloadApi) {
    this.detach = preload.onMessage((message) => dispatchServerMessage(message, this.pending, this.listeners));
    this.listeners.setState("open");
  }

  request<K extends RequestName>(method: K, params: RequestParams<K>, signal?: AbortSignal): Promise<RequestResult<K>> {
    if (signal?.aborted) return Promise.reject(new DOMException(`${method} was cancelled`, "AbortError"));
    const { id, promise } = this.pending.add(method, signal, (cancelled) => this.preload.send({ kind: "cancel", id: cancelled }));
    this.preload.send({ kind: "request", id, method, params });
    return promise as Promise<RequestResult<K>>;
  }

  subscribe<E extends EventName>(event: E, listener: (payload: WorkbenchEvents[E]) => void): Unsubscribe {
    return this.listeners.subscribe(event, listener);
  }

  onConnectionChange(listener: (state: ConnectionState) => void): Unsubscribe {
    return this.listeners.onConnectionChange(listener);
  }

  dispose(): void {
    this.detach();
    this.listeners.setState("closed");
  }
}

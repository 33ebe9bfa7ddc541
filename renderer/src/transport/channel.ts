// What a transport gives the renderer's client: requests with cancellation, and event subscriptions that
// return IDisposable (app/base's vocabulary). Both IpcChannel and SocketChannel implement it.
import type { IDisposable } from "../base";
import type { EventName, RequestName, RequestParams, RequestResult, WorkbenchEvents } from "../api";
import type { ConnectionState } from "./event-listeners.js";

export interface Channel {
  request<K extends RequestName>(method: K, params: RequestParams<K>, signal?: AbortSignal): Promise<RequestResult<K>>;
  /** Subscribes to a host event; dispose the result to unsubscribe. */
  subscribe<E extends EventName>(event: E, listener: (payload: WorkbenchEvents[E]) => void): IDisposable;
  /** Calls `listener` with the connection state now and on every change (the status bar shows it). */
  onConnectionChange(listener: (state: ConnectionState) => void): IDisposable;
}

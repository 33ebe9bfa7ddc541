// The typed client every feature uses. It wraps whichever Channel (transport/) the page opened, so
// stores never learn whether they talk over IPC or a WebSocket.
import { ApiError } from "../api";
import type { EventName, RequestName, RequestParams, RequestResult, WorkbenchEvents } from "../api";
import type { IDisposable } from "../base";
import type { Channel, ConnectionState } from "../transport";

export class WorkbenchClient {
  readonly #channel: Channel;

  constructor(channel: Channel) {
    this.#channel = channel;
  }

  call<K extends RequestName>(method: K, params: RequestParams<K>, signal?: AbortSignal): Promise<RequestResult<K>> {
    return this.#channel.request(method, params, signal);
  }

  /** Subscribes to a host event; dispose the result to unsubscribe. */
  on<E extends EventName>(event: E, listener: (payload: WorkbenchEvents[E]) => void): IDisposable {
    return this.#channel.subscribe(event, listener);
  }

  /** Calls `listener` with the connection state now and on every change. */
  onConnectionChange(listener: (state: ConnectionState) => void): IDisposable {
    return this.#channel.onConnectionChange(listener);
  }
}

let current: WorkbenchClient | null = null;

/** Installs the page's client once, at startup (main.tsx). */
export function installWorkbenchClient(client: WorkbenchClient): void {
  current = client;
}

/** The page's client; stores call this lazily, inside actions, never at import time. */
export function workbench(): WorkbenchClient {
  if (!current)
    throw new Error("The workbench client is not installed yet: main.tsx must call installWorkbenchClient first");
  return current;
}

/** A one-line message for a failed request, for banners and toasts. */
export function errorMessage(error: unknown): string {
  if (error instanceof ApiError) {
    if (error.python) return `${error.python.type}: ${error.python.message}`;
    return error.message;
  }
  if (error instanceof Error) return error.message;
  return String(error);
}

/** True when the error is our own cancellation (the user pressed Stop, or the view went away). */
export function isCancellation(error: unknown): boolean {
  return (
    (error instanceof ApiError && error.code === "cancelled") ||
    (error instanceof DOMException && error.name === "AbortError")
  );
}

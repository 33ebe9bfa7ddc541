// WorkbenchChannel over a WebSocket to `snakebridge serve`: JSON messages, reconnect with backoff.
// Requests made while the socket is down wait in a queue and go out when it reopens; requests
// already sent when it drops fail, because the host forgets them with the connection.
import { SOCKET_PATH, TOKEN_QUERY_PARAM } from "../api";
import type { ClientMessage, ServerMessage } from "../api";
import type {
  EventName,
  RequestName,
  RequestParams,
  RequestResult,
  Unsubscribe,
  WorkbenchChannel,
  WorkbenchEvents,
} from "../api";
import { reconnectDelay } from "./backoff.js";
import { EventListeners } from "./event-listeners.js";
import type { ConnectionState } from "./event-listeners.js";
import { PendingRequests } from "./pending-requests.js";

/** WebSocket.OPEN, spelled out so the channel also runs where no global WebSocket exists (unit tests). */
const OPEN = 1;

/** The socket URL for a page served by the host: same host, token from the page's own query. */
export function socketUrl(location: Pick<Location, "protocol" | "host" | "search">): string {
  const token = new URLSearchParams(location.search).get(TOKEN_QUERY_PARAM) ?? "";
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}${SOCKET_PATH}?${TOKEN_QUERY_PARAM}=${encodeURIComponent(token)}`;
}

export class SocketChannel implements WorkbenchChannel {
  private socket: WebSocket | null = null;
  private readonly pending = new PendingRequests();
  private readonly listeners = new EventListeners();
  private readonly outbox: ClientMessage[] = [];
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private disposed = false;

  constructor(
    private readonly url: string,
    private readonly createSocket: (url: string) => WebSocket = (target) => new WebSocket(target),
  ) {
    this.open();
  }

  request<K extends RequestName>(method: K, params: RequestParams<K>, signal?: AbortSignal): Promise<RequestResult<K>> {
    if (signal?.aborted) return Promise.reject(new DOMException(`${method} was cancelled`, "AbortError"));
    const { id, promise } = this.pending.add(method, signal, (cancelled) => this.send({ kind: "cancel", id: cancelled }));
    this.send({ kind: "request", id, method, params });
    return promise as Promise<RequestResult<K>>;
  }

  subscribe<E extends EventName>(event: E, listener: (payload: WorkbenchEvents[E]) => void): Unsubscribe {
    return this.listeners.subscribe(event, listener);
  }

  onConnectionChange(listener: (state: ConnectionState) => void): Unsubscribe {
    return this.listeners.onConnectionChange(listener);
  }

  /** Closes the socket for good (page unload, tests). */
  dispose(): void {
    this.disposed = true;
    if (this.retryTimer) clearTimeout(this.retryTimer);
    this.socket?.close();
    this.pending.failAll((method) => ({ code: "cancelled", message: `${method} was cancelled: the workbench is closing` }));
  }

  private open(): void {
    this.listeners.setState("connecting");
    const socket = this.createSocket(this.url);
    this.socket = socket;
    socket.addEventListener("open", () => {
      this.attempt = 0;
      this.listeners.setState("open");
      for (const message of this.outbox.splice(0)) socket.send(JSON.stringify(message));
    });
    socket.addEventListener("message", (event: MessageEvent) => {
      if (typeof event.data === "string") this.receive(event.data);
    });
    socket.addEventListener("close", () => {
      if (this.socket !== socket) return;
      this.socket = null;
      this.pending.failAll((method) => ({
        code: "disconnected",
        message: `Lost the connection to the workbench host while waiting for ${method}. Reconnecting; run it again once the status bar says "Connected".`,
      }));
      // Cancels queued for the dead connection mean nothing to the next one.
      for (let index = this.outbox.length - 1; index >= 0; index -= 1) {
        if (this.outbox[index]?.kind === "cancel") this.outbox.splice(index, 1);
      }
      this.listeners.setState("closed");
      if (!this.disposed) this.scheduleReconnect();
    });
  }

  private scheduleReconnect(): void {
    const delay = reconnectDelay(this.attempt, { initialMs: 500, maxMs: 10_000 });
    this.attempt += 1;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      if (!this.disposed) this.open();
    }, delay);
  }

  private send(message: ClientMessage): void {
    if (this.socket && this.socket.readyState === OPEN) this.socket.send(JSON.stringify(message));
    else this.outbox.push(message);
  }

  private receive(text: string): void {
    let message: ServerMessage;
    try {
      message = JSON.parse(text) as ServerMessage;
    } catch {
      console.error("The host sent a message that is not JSON; ignoring it", text.slice(0, 200));
      return;
    }
    dispatchServerMessage(message, this.pending, this.listeners);
  }
}

/** Routes one host message to the request it answers or to the event's listeners. */
export function dispatchServerMessage(message: ServerMessage, pending: PendingRequests, listeners: EventListeners): void {
  switch (message.kind) {
    case "response":
      pending.resolve(message.id, message.result);
      break;
    case "error":
      pending.fail(message.id, message.error);
      break;
    case "event":
      listeners.emit(message.event, message.payload);
      break;
  }
}

// WorkbenchChannel over a WebSocket to `snakebridge serve`: JSON messages, reconnect with backoff.
// Requests made while the socket is down wait in a queue and go out when it reopens; requests
// already sent when it drops fail, because the host forgets them with the connection.
import { SOCKET_PATH, TOKEN_QUERY_PARAM } from "../api";
import type { ClientMessage, ServerMessage } from "../api";
import { reconnectDelay } from "./backoff.js";
import { MessageChannel } from "./message-channel.js";

/** WebSocket.OPEN, spelled out so the channel also runs where no global WebSocket exists (unit tests). */
const OPEN = 1;

/** The socket URL for a page served by the host: same host, token from the page's own query. */
export function socketUrl(location: Pick<Location, "protocol" | "host" | "search">): string {
  const token = new URLSearchParams(location.search).get(TOKEN_QUERY_PARAM) ?? "";
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}${SOCKET_PATH}?${TOKEN_QUERY_PARAM}=${encodeURIComponent(token)}`;
}

export class SocketChannel extends MessageChannel {
  private socket: WebSocket | null = null;
  private readonly outbox: ClientMessage[] = [];
  private attempt = 0;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;
  private disposed = false;

  constructor(
    private readonly url: string,
    private readonly createSocket: (url: string) => WebSocket = (target) => new WebSocket(target),
  ) {
    super();
    this.open();
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
      if (typeof event.data === "string") this.receiveText(event.data);
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

  protected send(message: ClientMessage): void {
    if (this.socket && this.socket.readyState === OPEN) this.socket.send(JSON.stringify(message));
    else this.outbox.push(message);
  }

  private receiveText(text: string): void {
    let message: ServerMessage;
    try {
      message = JSON.parse(text) as ServerMessage;
    } catch {
      console.error("The host sent a message that is not JSON; ignoring it", text.slice(0, 200));
      return;
    }
    this.receive(message);
  }
}

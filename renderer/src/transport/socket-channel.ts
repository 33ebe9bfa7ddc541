// The renderer's Channel over a WebSocket to `snakebridge serve`: JSON messages, reconnect with backoff.
// Requests made while the socket is down wait in a queue and go out when it reopens; requests
// already sent when it drops fail, because the host forgets them with the connection.
import { SOCKET_PATH, TOKEN_QUERY_PARAM } from "../api";
import type { ClientMessage, ServerMessage } from "../api";
import { Emitter, type IDisposable } from "../base";
import { reconnectDelay } from "./backoff.js";
import { MessageChannel } from "./message-channel.js";

/** WebSocket.OPEN, spelled out so the channel also runs where no global WebSocket exists (unit tests). */
const OPEN = 1;

/** The socket URL for a page served by the host: same host; the token only if the page's address still has one (the cookie carries it otherwise). */
export function socketUrl(location: Pick<Location, "protocol" | "host" | "search">): string {
  const token = new URLSearchParams(location.search).get(TOKEN_QUERY_PARAM);
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}${SOCKET_PATH}${token === null ? "" : `?${TOKEN_QUERY_PARAM}=${encodeURIComponent(token)}`}`;
}

/**
 * What the host says about this page's credentials after a connection drops: "valid" (reconnect),
 * "rejected" (the host is up but no longer knows our token: it restarted), "unreachable" (down).
 */
export type SessionVerdict = "valid" | "rejected" | "unreachable";

/** Asks the host whether the page (its cookie) is still signed in: HEAD of the page's own address. */
export async function probeSession(pageUrl: string): Promise<SessionVerdict> {
  try {
    const response = await fetch(pageUrl, {
      method: "HEAD",
      cache: "no-store",
      credentials: "same-origin",
      redirect: "manual",
    });
    if (response.status === 401 || response.status === 403) return "rejected";
    return response.ok ? "valid" : "unreachable";
  } catch {
    return "unreachable";
  }
}

/** The message shown when the host no longer accepts this page. */
export const RESTARTED_PROBLEM =
  "The workbench restarted: open the new address that `snakebridge serve` printed (…/?token=…). This page's access token is no longer valid.";

export interface SocketChannelOptions {
  createSocket?: (url: string) => WebSocket;
  /** Checks the page's credentials after a drop; default: HEAD of the page's address. */
  probe?: () => Promise<SessionVerdict>;
}

export class SocketChannel extends MessageChannel {
  #socket: WebSocket | null = null;
  readonly #outbox: ClientMessage[] = [];
  #attempt = 0;
  #retryTimer: ReturnType<typeof setTimeout> | null = null;
  #disposed = false;
  #problem: string | null = null;
  readonly #problemEmitter = new Emitter<string | null>("connection.problem");
  readonly #createSocket: (url: string) => WebSocket;
  readonly #probe: () => Promise<SessionVerdict>;
  readonly #url: string;

  constructor(url: string, options: SocketChannelOptions = {}) {
    super();
    this.#url = url;
    this.#createSocket = options.createSocket ?? ((target) => new WebSocket(target));
    this.#probe = options.probe ?? (() => Promise.resolve<SessionVerdict>("unreachable"));
    this.#open();
  }

  /** A problem the user must act on (the host restarted with a new token), or null; called now and on change. */
  onProblem(listener: (problem: string | null) => void): IDisposable {
    const subscription = this.#problemEmitter.event(listener);
    listener(this.#problem);
    return subscription;
  }

  /** Closes the socket for good (page unload, tests). */
  dispose(): void {
    this.#disposed = true;
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#socket?.close();
    this.pending.failAll((method) => ({
      code: "cancelled",
      message: `${method} was cancelled: the workbench is closing`,
    }));
    this.#problemEmitter.dispose();
    this.listeners.dispose();
  }

  #open(): void {
    this.listeners.setState("connecting");
    const socket = this.#createSocket(this.#url);
    this.#socket = socket;
    socket.addEventListener("open", () => {
      this.#attempt = 0;
      this.listeners.setState("open");
      for (const message of this.#outbox.splice(0)) socket.send(JSON.stringify(message));
    });
    socket.addEventListener("message", (event: MessageEvent) => {
      if (typeof event.data === "string") this.#receiveText(event.data);
    });
    socket.addEventListener("close", () => {
      if (this.#socket !== socket) return;
      this.#socket = null;
      this.pending.failAll((method) => ({
        code: "disconnected",
        message: `Lost the connection to the workbench host while waiting for ${method}. Reconnecting; run it again once the status bar says "Connected".`,
      }));
      // Cancels queued for the dead connection mean nothing to the next one.
      for (let index = this.#outbox.length - 1; index >= 0; index -= 1) {
        if (this.#outbox[index]?.kind === "cancel") this.#outbox.splice(index, 1);
      }
      this.listeners.setState("closed");
      if (!this.#disposed) void this.#afterDrop();
    });
  }

  /** A browser hides why a WebSocket handshake failed; ask the host over HTTP before retrying. */
  async #afterDrop(): Promise<void> {
    const verdict = await this.#probe();
    if (this.#disposed) return;
    if (verdict === "rejected") {
      // Retrying cannot help: a restarted host has a new token this page will never learn.
      this.#setProblem(RESTARTED_PROBLEM);
      this.#outbox.length = 0;
      this.pending.failAll(() => ({ code: "unauthorized", message: RESTARTED_PROBLEM }));
      return;
    }
    this.#scheduleReconnect();
  }

  #setProblem(problem: string | null): void {
    if (problem === this.#problem) return;
    this.#problem = problem;
    this.#problemEmitter.fire(problem);
  }

  #scheduleReconnect(): void {
    const delay = reconnectDelay(this.#attempt, { initialMs: 500, maxMs: 10_000 });
    this.#attempt += 1;
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = null;
      if (!this.#disposed) this.#open();
    }, delay);
  }

  protected send(message: ClientMessage): void {
    if (this.#problem !== null) {
      if (message.kind === "request") this.pending.fail(message.id, { code: "unauthorized", message: this.#problem });
      return;
    }
    if (this.#socket && this.#socket.readyState === OPEN) this.#socket.send(JSON.stringify(message));
    else this.#outbox.push(message);
  }

  #receiveText(text: string): void {
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

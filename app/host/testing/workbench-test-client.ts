// A real WebSocket client of the Workbench API for tests: typed requests, cancellation, and recorded events.
import { WebSocket } from "ws";
import type { EventName, RequestName, RequestParams, RequestResult, WorkbenchEvents } from "../../api/workbench-api.js";
import { ApiError } from "../../api/workbench-api.js";
import { SOCKET_PATH, TOKEN_QUERY_PARAM, type ClientMessage, type ServerMessage } from "../../api/wire.js";

type Pending = { resolve: (value: unknown) => void; reject: (error: Error) => void };

/** Connects to a running host; close() when done. */
export class WorkbenchTestClient {
  readonly events: ServerMessage[] = [];
  readonly #pending = new Map<number, Pending>();
  readonly #waiters = new Set<() => void>();
  #nextId = 1;
  readonly #ws: WebSocket;

  private constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.on("message", (data) => {
      const message = JSON.parse(data.toString()) as ServerMessage;
      if (message.kind === "event") {
        this.events.push(message);
        for (const wake of [...this.#waiters]) wake();
        return;
      }
      const pending = this.#pending.get(message.id);
      this.#pending.delete(message.id);
      if (message.kind === "response") pending?.resolve(message.result);
      else pending?.reject(new ApiError(message.error));
    });
    ws.on("close", () => {
      for (const pending of this.#pending.values()) pending.reject(new Error("socket closed"));
      this.#pending.clear();
    });
  }

  /** Opens a socket to `baseUrl` with `token`; rejects with the HTTP status when the host refuses. */
  static connect(baseUrl: string, token: string): Promise<WorkbenchTestClient> {
    const url = new URL(SOCKET_PATH, baseUrl.replace(/^http/, "ws"));
    url.searchParams.set(TOKEN_QUERY_PARAM, token);
    const ws = new WebSocket(url);
    return new Promise((resolve, reject) => {
      ws.once("open", () => resolve(new WorkbenchTestClient(ws)));
      ws.once("unexpected-response", (_request, response) => {
        reject(new Error(`HTTP ${response.statusCode}`));
        ws.terminate();
      });
      ws.once("error", reject);
    });
  }

  /** Sends a request; `signal` sends a cancel message when aborted. */
  request<K extends RequestName>(method: K, params: RequestParams<K>, signal?: AbortSignal): Promise<RequestResult<K>> {
    const id = this.#nextId++;
    const promise = new Promise<unknown>((resolve, reject) => this.#pending.set(id, { resolve, reject }));
    this.#send({ kind: "request", id, method, params });
    signal?.addEventListener("abort", () => this.#send({ kind: "cancel", id }), { once: true });
    return promise as Promise<RequestResult<K>>;
  }

  /** Sends a raw message (for malformed-input tests). */
  sendRaw(text: string): void {
    this.#ws.send(text);
  }

  #send(message: ClientMessage): void {
    this.#ws.send(JSON.stringify(message));
  }

  /** Payloads of every `event` received so far. */
  payloads<E extends EventName>(event: E): WorkbenchEvents[E][] {
    return this.events.flatMap((m) =>
      m.kind === "event" && m.event === event ? [m.payload as WorkbenchEvents[E]] : [],
    );
  }

  /** Waits until an `event` payload satisfies `predicate` (already received ones count). */
  waitForEvent<E extends EventName>(
    event: E,
    predicate: (payload: WorkbenchEvents[E]) => boolean,
    timeoutMs = 20_000,
  ): Promise<WorkbenchEvents[E]> {
    return new Promise((resolve, reject) => {
      const check = (): boolean => {
        const found = this.payloads(event).find(predicate);
        if (found === undefined) return false;
        this.#waiters.delete(wake);
        clearTimeout(timer);
        resolve(found);
        return true;
      };
      const wake = (): void => void check();
      const timer = setTimeout(() => {
        this.#waiters.delete(wake);
        reject(
          new Error(
            `no matching "${event}" event within ${timeoutMs} ms (got ${this.payloads(event).length} of that kind)`,
          ),
        );
      }, timeoutMs);
      this.#waiters.add(wake);
      check();
    });
  }

  /** Closes the socket and waits for it to close. */
  close(): Promise<void> {
    if (this.#ws.readyState === WebSocket.CLOSED) return Promise.resolve();
    return new Promise((resolve) => {
      this.#ws.once("close", () => resolve());
      this.#ws.close();
    });
  }
}

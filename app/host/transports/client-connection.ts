// One connected client, whatever carries it: runs its requests (cancellable), forwards every host event to it.
import type { ClientMessage, ServerMessage } from "../../api/wire.js";
import type { IDisposable } from "../../base/index.js";
import { toApiErrorPayload } from "../service/api-errors.js";
import type { WorkbenchService } from "../service/workbench-service.js";

/** Serves one client: `receive` takes its messages, `send` delivers replies and events; dispose() aborts its requests. */
export class ClientConnection {
  readonly #inFlight = new Map<number, AbortController>();
  readonly #subscription: IDisposable;
  #closed = false;
  readonly #service: WorkbenchService;
  readonly #send: (message: ServerMessage) => void;

  constructor(service: WorkbenchService, send: (message: ServerMessage) => void) {
    this.#service = service;
    this.#send = send;
    this.#subscription = service.events.on((event) => this.#deliver({ kind: "event", ...event } as ServerMessage));
  }

  /** Handles one message from the client; malformed messages are answered when they carry an id, else reported. */
  receive(message: unknown): void {
    if (this.#closed) return;
    if (!isClientMessage(message)) {
      const id = message !== null && typeof message === "object" ? (message as { id?: unknown }).id : undefined;
      if (typeof id === "number")
        this.#deliver({
          kind: "error",
          id,
          error: {
            code: "bad_request",
            message: 'malformed message: expected {kind: "request", id, method, params} or {kind: "cancel", id}',
          },
        });
      else console.error("snakebridge host: dropped a malformed client message without an id");
      return;
    }
    if (message.kind === "cancel") {
      this.#inFlight.get(message.id)?.abort();
      return;
    }
    void this.#run(message.id, message.method, message.params);
  }

  async #run(id: number, method: unknown, params: unknown): Promise<void> {
    if (this.#inFlight.has(id)) {
      this.#deliver({
        kind: "error",
        id,
        error: { code: "bad_request", message: `request id ${id} is already in flight` },
      });
      return;
    }
    const controller = new AbortController();
    this.#inFlight.set(id, controller);
    try {
      const result = await this.#service.request(method, params, { signal: controller.signal });
      this.#deliver({ kind: "response", id, result: result ?? {} });
    } catch (error) {
      const payload = toApiErrorPayload(error);
      if (payload.code === "internal") console.error(`snakebridge host: ${String(method)} failed:`, error);
      this.#deliver({ kind: "error", id, error: payload });
    } finally {
      this.#inFlight.delete(id);
    }
  }

  #deliver(message: ServerMessage): void {
    if (!this.#closed) this.#send(message);
  }

  /** Stops forwarding events and aborts every request still running for this client. */
  dispose(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#subscription.dispose();
    for (const controller of this.#inFlight.values()) controller.abort();
    this.#inFlight.clear();
  }
}

function isClientMessage(value: unknown): value is ClientMessage {
  if (value === null || typeof value !== "object") return false;
  const m = value as Record<string, unknown>;
  if (typeof m.id !== "number" || !Number.isSafeInteger(m.id)) return false;
  return m.kind === "cancel" || (m.kind === "request" && typeof m.method === "string");
}

// The messages both transports exchange (JSON over WebSocket; structured clone over Electron IPC).
import type { ApiErrorPayload, EventName, RequestName, WorkbenchEvents } from "./workbench-api.js";

export type ClientMessage =
  { kind: "request"; id: number; method: RequestName; params: unknown } | { kind: "cancel"; id: number };

export type ServerMessage =
  | { kind: "response"; id: number; result: unknown }
  | { kind: "error"; id: number; error: ApiErrorPayload }
  | { [E in EventName]: { kind: "event"; event: E; payload: WorkbenchEvents[E] } }[EventName];

/** The query parameter (web) that carries the session token. */
export const TOKEN_QUERY_PARAM = "token";
/** The WebSocket path on the host. */
export const SOCKET_PATH = "/api/socket";

/**
 * What the Electron preload exposes as `window.snakebridge` (contextBridge): the renderer's IPC channel
 * wraps it; the web build uses a WebSocket instead.
 */
export interface PreloadApi {
  send(message: ClientMessage): void;
  onMessage(listener: (message: ServerMessage) => void): () => void;
}

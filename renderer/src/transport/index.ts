// Picks the transport: Electron's preload bridge when present, else a WebSocket to the page's host.
import type { PreloadApi } from "../api";
import { TOKEN_QUERY_PARAM } from "../api";
import type { WorkbenchChannel } from "../api";
import { IpcChannel } from "./ipc-channel.js";
import { SocketChannel, socketUrl } from "./socket-channel.js";

export type { ConnectionState } from "./event-listeners.js";

declare global {
  interface Window {
    snakebridge?: PreloadApi;
  }
}

export interface OpenedChannel {
  channel: WorkbenchChannel;
  kind: "ipc" | "socket";
  /** A problem the user must fix before anything can work (e.g. the page was opened without its token). */
  problem: string | null;
}

export function openChannel(): OpenedChannel {
  if (window.snakebridge) return { channel: new IpcChannel(window.snakebridge), kind: "ipc", problem: null };
  const hasToken = new URLSearchParams(window.location.search).has(TOKEN_QUERY_PARAM);
  return {
    channel: new SocketChannel(socketUrl(window.location)),
    kind: "socket",
    problem: hasToken
      ? null
      : `This page was opened without its access token, so the host refuses the connection. Open the full URL that \`snakebridge serve\` printed (it ends in ?${TOKEN_QUERY_PARAM}=...).`,
  };
}

// Picks the transport: Electron's preload bridge when present, else a WebSocket to the page's host.
import type { PreloadApi } from "../api";
import { TOKEN_QUERY_PARAM } from "../api";
import { toDisposable, type IDisposable } from "../base";
import type { Channel } from "./channel.js";
import { IpcChannel } from "./ipc-channel.js";
import { SocketChannel, probeSession, socketUrl } from "./socket-channel.js";

export type { Channel } from "./channel.js";
export type { ConnectionState } from "./event-listeners.js";

declare global {
  interface Window {
    snakebridge?: PreloadApi;
  }
}

export interface OpenedChannel {
  channel: Channel;
  kind: "ipc" | "socket";
  /** A problem the user must fix before anything can work; null when there is none (yet). */
  problem: string | null;
  /** Calls `listener` now and whenever the problem changes (e.g. the host restarted with a new token). */
  onProblem(listener: (problem: string | null) => void): IDisposable;
}

export function openChannel(): OpenedChannel {
  if (window.snakebridge)
    return {
      channel: new IpcChannel(window.snakebridge),
      kind: "ipc",
      problem: null,
      onProblem: () => toDisposable(() => undefined),
    };
  // The host served this page, so it accepted our token and set its cookie: the token can leave the
  // address bar and history. (The Vite dev server sets no cookie, so the dev page keeps it.)
  const url = new URL(window.location.href);
  if (!import.meta.env.DEV && url.searchParams.has(TOKEN_QUERY_PARAM)) {
    url.searchParams.delete(TOKEN_QUERY_PARAM);
    window.history.replaceState(window.history.state, "", url.pathname + url.search + url.hash);
  }
  const pageUrl = `${url.origin}${url.pathname}`;
  const channel = new SocketChannel(socketUrl({ protocol: url.protocol, host: url.host, search: url.search }), {
    probe: () => probeSession(pageUrl),
  });
  return { channel, kind: "socket", problem: null, onProblem: (listener) => channel.onProblem(listener) };
}

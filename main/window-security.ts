// Hardening of the window and its session: the renderer is a web page that may only talk to the host over IPC.
import { shell, type BrowserWindow, type Session } from "electron";
import { contentSecurityPolicy } from "../app/host/transports/content-security.js";
import { isAppUrl } from "./app-protocol.js";
import { mayOpenExternally } from "./external-links.js";

/** Denies every permission request (camera, notifications, ...) and sets the CSP on every response. */
export function hardenSession(session: Session): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, "Content-Security-Policy": [contentSecurityPolicy()] } });
  });
}

/** No navigation away from the app, no new windows; allowed https links open in the system browser. */
export function hardenWindow(window: BrowserWindow): void {
  const contents = window.webContents;
  contents.setWindowOpenHandler(({ url }) => {
    openIfAllowed(url);
    return { action: "deny" };
  });
  contents.on("will-navigate", (event, url) => {
    if (isAppUrl(url)) return; // reloads of our own page
    event.preventDefault();
    openIfAllowed(url);
  });
  contents.on("will-attach-webview", (event) => event.preventDefault());
}

function openIfAllowed(url: string): void {
  if (!mayOpenExternally(url)) {
    console.error(`snakebridge: refused to open ${url} (only https links to allow-listed hosts open externally)`);
    return;
  }
  shell.openExternal(url).catch((error: unknown) => console.error(`snakebridge: could not open ${url}:`, error));
}

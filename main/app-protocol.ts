// The app:// protocol: serves the built renderer from dist/renderer with the workbench's CSP.
//
// Why a custom protocol and not file://: file:// pages share one opaque origin with every file on disk, so
// 'self' in a CSP and fetch() would reach any local file; app://workbench is an origin of its own that only
// maps onto dist/renderer, gets real response headers (CSP), and lets IPC check "is this our page" by URL.
import { protocol } from "electron";
import { contentSecurityPolicy } from "../app/host/transports/content-security.js";
import { resolveStaticFile } from "../app/host/transports/static-files.js";
import { readFile } from "node:fs/promises";
import { extname } from "node:path";

export const APP_SCHEME = "app";
export const APP_ORIGIN = `${APP_SCHEME}://workbench`;
export const APP_ENTRY_URL = `${APP_ORIGIN}/index.html`;

const TYPES: Readonly<Record<string, string>> = {
  ".html": "text/html; charset=utf-8",
  ".js": "text/javascript; charset=utf-8",
  ".mjs": "text/javascript; charset=utf-8",
  ".css": "text/css; charset=utf-8",
  ".json": "application/json",
  ".svg": "image/svg+xml",
  ".png": "image/png",
  ".woff": "font/woff",
  ".woff2": "font/woff2",
  ".ttf": "font/ttf",
  ".wasm": "application/wasm",
  ".map": "application/json",
};

/** True for URLs of our renderer. */
export function isAppUrl(url: string): boolean {
  try {
    const parsed = new URL(url);
    return parsed.protocol === `${APP_SCHEME}:` && parsed.host === "workbench";
  } catch {
    return false; // not a URL at all, so not ours
  }
}

/** Must run before app "ready": makes app:// a standard, secure scheme (fetch, workers, a real origin). */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([
    { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, codeCache: true } },
  ]);
}

/** Serves app://workbench/* from `rendererDir`; anything else is 404. Call after "ready". */
export function serveRenderer(rendererDir: string): void {
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (url.host !== "workbench") return new Response("not found", { status: 404 });
    let path: string;
    try {
      path = decodeURIComponent(url.pathname); // resolveStaticFile takes a decoded path
    } catch {
      return new Response("not found", { status: 404 });
    }
    const file = await resolveStaticFile(rendererDir, path);
    if (!file) {
      const hint =
        url.pathname === "/index.html"
          ? ` — build the UI first: npx vite build --config renderer/vite.config.ts (looked in ${rendererDir})`
          : "";
      return new Response(`not found${hint}`, {
        status: 404,
        headers: { "Content-Type": "text/plain; charset=utf-8" },
      });
    }
    return new Response(await readFile(file), {
      headers: {
        "Content-Type": TYPES[extname(file).toLowerCase()] ?? "application/octet-stream",
        "Content-Security-Policy": contentSecurityPolicy(),
        "X-Content-Type-Options": "nosniff",
      },
    });
  });
}

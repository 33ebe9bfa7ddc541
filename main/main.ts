// Electron main process: the engine (WorkbenchHost) runs here; one hardened window shows the renderer.
import { app, BrowserWindow, ipcMain, session } from "electron";
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { APP_ENTRY_URL, isAppUrl, registerAppScheme, serveRenderer } from "./app-protocol.js";
import { hardenSession, hardenWindow } from "./window-security.js";
import { onParentGone, onShutdownSignals } from "../app/host/shutdown-signals.js";
import type { WorkbenchHost as Host } from "../app/host/index.js";

const here = dirname(fileURLToPath(import.meta.url));

// A packaged app ships the Python worker outside the asar (extraResources); the bridge reads this variable
// when its module loads, so it is set before app/host is imported below.
if (app.isPackaged && !process.env.SNAKEBRIDGE_WORKER_PATH) {
  process.env.SNAKEBRIDGE_WORKER_PATH = join(process.resourcesPath, "python");
}
const { WorkbenchHost, IpcTransport } = await import("./host-entry.js");

registerAppScheme();
if (!app.requestSingleInstanceLock()) app.quit();

/** dist/renderer, next to dist/main in both the checkout and the package. */
const rendererDir = process.env.SNAKEBRIDGE_RENDERER_DIR ?? join(here, "..", "renderer");
const preload = join(here, "preload.cjs");

let host: Host | undefined;
let window: BrowserWindow | undefined;

async function openWindow(): Promise<void> {
  if (!existsSync(preload)) throw new Error(`the preload script ${preload} is missing: run npm run build`);
  host ??= await WorkbenchHost.start({
    transport: "electron",
    ...(process.env.SNAKEBRIDGE_WORKSPACE ? { workspaceDir: process.env.SNAKEBRIDGE_WORKSPACE } : {}),
  });
  window = new BrowserWindow({
    width: 1400,
    height: 900,
    title: "Snakebridge Workbench",
    show: false,
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  hardenWindow(window);
  const transport = new IpcTransport({ ipcMain, service: host.service, webContents: window.webContents, isAppUrl });
  window.on("closed", () => {
    transport.dispose();
    window = undefined;
  });
  window.once("ready-to-show", () => window?.show());
  await window.loadURL(APP_ENTRY_URL);
}

app.on("second-instance", () => {
  if (window?.isMinimized()) window.restore();
  window?.focus();
});

app
  .whenReady()
  .then(async () => {
    hardenSession(session.defaultSession);
    serveRenderer(rendererDir);
    await openWindow();
    app.on("activate", () => {
      if (BrowserWindow.getAllWindows().length === 0) openWindow().catch(fail);
    });
  })
  .catch(fail);

app.on("window-all-closed", () => {
  if (process.platform !== "darwin") app.quit();
});

// SIGINT, SIGTERM and SIGHUP (npm start forwards them) quit like closing the window: before-quit stops the workers.
onShutdownSignals({ onShutdown: () => app.quit() });
onParentGone(() => app.quit());

let quitting = false;
app.on("before-quit", (event) => {
  if (quitting || !host) return;
  // Stop the Python workers before Electron exits, so none is left running.
  event.preventDefault();
  quitting = true;
  host
    .dispose()
    .catch((error: unknown) => console.error("snakebridge: shutdown was not clean:", error))
    .finally(() => app.quit());
});

function fail(error: unknown): void {
  console.error("snakebridge: the workbench could not start:", error);
  app.exit(1);
}

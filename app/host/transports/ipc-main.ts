// The Electron transport: the Workbench API over ipcMain / webContents.send, for our one window only.
import type { IpcMainEvent, WebContents } from "electron";
import type { ServerMessage } from "../../api/wire.js";
import type { WorkbenchService } from "../service/workbench-service.js";
import { ClientConnection } from "./client-connection.js";

/** Renderer → main messages. */
export const IPC_CLIENT_CHANNEL = "snakebridge:client";
/** Main → renderer messages. */
export const IPC_SERVER_CHANNEL = "snakebridge:server";

/** What this transport needs of Electron's ipcMain (the real one is passed in by main/). */
export interface IpcMainLike {
  on(channel: string, listener: (event: IpcMainEvent, message: unknown) => void): unknown;
  removeListener(channel: string, listener: (event: IpcMainEvent, message: unknown) => void): unknown;
}

export interface IpcTransportOptions {
  ipcMain: IpcMainLike;
  service: WorkbenchService;
  /** The window's webContents: the only sender accepted. */
  webContents: WebContents;
  /** True for URLs of our own app (e.g. app://workbench/...); frames elsewhere are refused. */
  isAppUrl: (url: string) => boolean;
}

/** Serves the window over IPC; dispose() (or the window closing) stops it. */
export class IpcTransport {
  #connection: ClientConnection | undefined;
  readonly #listener: (event: IpcMainEvent, message: unknown) => void;
  readonly #options: IpcTransportOptions;

  constructor(options: IpcTransportOptions) {
    this.#options = options;
    const { webContents, ipcMain } = options;
    this.#listener = (event, message) => this.#receive(event, message);
    ipcMain.on(IPC_CLIENT_CHANNEL, this.#listener);
    // A reload starts a new page: its old requests are abandoned and it must not get stale replies.
    webContents.on("did-start-navigation", (details) => {
      if (details.isMainFrame && !details.isSameDocument) this.#reset();
    });
    webContents.once("destroyed", () => this.dispose());
  }

  #receive(event: IpcMainEvent, message: unknown): void {
    if (!this.#isTrusted(event)) {
      console.error(`snakebridge host: refused an IPC message from ${event.senderFrame?.url ?? "an unknown frame"}`);
      return;
    }
    this.#connection ??= new ClientConnection(this.#options.service, (reply: ServerMessage) => this.#send(reply));
    this.#connection.receive(message);
  }

  /** Only our window's top frame, showing our app's page, may talk to the engine. */
  #isTrusted(event: IpcMainEvent): boolean {
    const { webContents, isAppUrl } = this.#options;
    if (webContents.isDestroyed() || event.sender !== webContents) return false;
    const frame = event.senderFrame;
    if (!frame || frame !== webContents.mainFrame) return false;
    return isAppUrl(frame.url);
  }

  #send(message: ServerMessage): void {
    const { webContents } = this.#options;
    if (!webContents.isDestroyed()) webContents.send(IPC_SERVER_CHANNEL, message);
  }

  #reset(): void {
    this.#connection?.dispose();
    this.#connection = undefined;
  }

  /** Stops listening and abandons in-flight requests. */
  dispose(): void {
    this.#options.ipcMain.removeListener(IPC_CLIENT_CHANNEL, this.#listener);
    this.#reset();
  }
}

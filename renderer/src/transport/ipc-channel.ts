// The renderer's Channel over Electron IPC: the preload's `window.snakebridge` carries the same messages
// as the WebSocket, structured-cloned. The main process lives as long as the window, so there is
// nothing to reconnect.
import type { ClientMessage, PreloadApi } from "../api";
import { toDisposable, type IDisposable } from "../base";
import { MessageChannel } from "./message-channel.js";

export class IpcChannel extends MessageChannel {
  readonly #detach: IDisposable;
  readonly #preload: PreloadApi;

  constructor(preload: PreloadApi) {
    super();
    this.#preload = preload;
    this.#detach = toDisposable(preload.onMessage((message) => this.receive(message)));
    this.listeners.setState("open");
  }

  protected send(message: ClientMessage): void {
    this.#preload.send(message);
  }

  dispose(): void {
    this.#detach.dispose();
    this.listeners.setState("closed");
    this.listeners.dispose();
  }
}

// Preload (sandboxed, CommonJS): exposes `window.snakebridge` (PreloadApi) and nothing else.
// Channel names are repeated from app/host/transports/ipc-main.ts: a sandboxed preload can require only "electron".
import { contextBridge, ipcRenderer, type IpcRendererEvent } from "electron";
import type { ClientMessage, PreloadApi, ServerMessage } from "../app/api/wire.js";

const CLIENT_CHANNEL = "snakebridge:client";
const SERVER_CHANNEL = "snakebridge:server";

const api: PreloadApi = {
  send(message: ClientMessage): void {
    ipcRenderer.send(CLIENT_CHANNEL, message);
  },
  onMessage(listener: (message: ServerMessage) => void): () => void {
    // Wrap the listener so the page never sees the IpcRendererEvent (it reaches ipcRenderer itself).
    const wrapped = (_event: IpcRendererEvent, message: ServerMessage): void => listener(message);
    ipcRenderer.on(SERVER_CHANNEL, wrapped);
    return () => ipcRenderer.removeListener(SERVER_CHANNEL, wrapped);
  },
};

contextBridge.exposeInMainWorld("snakebridge", api);

// What the Electron main process uses of the host, loaded after SNAKEBRIDGE_WORKER_PATH is set.
export { WorkbenchHost } from "../app/host/index.js";
export { IpcTransport } from "../app/host/transports/ipc-main.js";

// The host's public surface: what the CLI (`serve`) and the Electron shell use.
export { WorkbenchHost, defaultWorkspaceDir, type HostOptions } from "./workbench-host.js";
export { WorkbenchWebServer, type WebServerOptions } from "./transports/websocket-server.js";
export { ClientConnection } from "./transports/client-connection.js";
export { contentSecurityPolicy } from "./transports/content-security.js";
export { normalizeOrigin } from "./transports/request-guard.js";
export { rendererDir } from "./renderer-location.js";
export type { WorkbenchService } from "./service/workbench-service.js";

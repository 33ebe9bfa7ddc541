// The web transport: HTTP for the built renderer, a WebSocket for the Workbench API, both behind the session token.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { WebSocketServer, type WebSocket } from "ws";
import { SOCKET_PATH, TOKEN_QUERY_PARAM, type ServerMessage } from "../../api/wire.js";
import type { WorkbenchService } from "../service/workbench-service.js";
import { ClientConnection } from "./client-connection.js";
import { contentSecurityPolicy } from "./content-security.js";
import { newSessionToken, tokenMatches } from "./session-token.js";
import { notBuiltPage, resolveStaticFile, sendFile } from "./static-files.js";

export interface WebServerOptions {
  service: WorkbenchService;
  /** Folder with the built renderer (index.html + assets). */
  rendererDir: string;
  /** Default 127.0.0.1: the workbench runs code, so it is not exposed to the network unless asked. */
  host?: string;
  /** 0 picks a free port. */
  port?: number;
  /** Fixed token (tests); default: a new random one. */
  token?: string;
}

/** Largest message a client may send (a notebook with outputs can be large). */
const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

/** A running web transport; close() ends every connection and the listener. */
export class WorkbenchWebServer {
  readonly #connections = new Set<WebSocket>();

  private constructor(
    private readonly http: Server,
    private readonly sockets: WebSocketServer,
    readonly host: string,
    readonly port: number,
    readonly token: string,
  ) {}

  /** Starts listening; resolves once the port is bound. */
  static async start(options: WebServerOptions): Promise<WorkbenchWebServer> {
    const host = options.host ?? "127.0.0.1";
    const token = options.token ?? newSessionToken();
    const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
    let server: WorkbenchWebServer | undefined;
    const http = createServer((request, response) => {
      if (!server) return void response.writeHead(503).end();
      server.#serveHttp(request, response, options.rendererDir).catch((error: unknown) => {
        console.error("snakebridge host: HTTP request failed:", error);
        if (!response.headersSent) response.writeHead(500, { "Content-Type": "text/plain; charset=utf-8" });
        response.end("internal error (see the host's log)");
      });
    });
    http.on("upgrade", (request, socket, head) => {
      if (server) server.#upgrade(request, socket, head, options.service);
      else socket.destroy();
    });
    await new Promise<void>((resolve, reject) => {
      http.once("error", reject);
      http.listen(options.port ?? 0, host, () => {
        http.off("error", reject);
        resolve();
      });
    });
    const port = (http.address() as AddressInfo).port;
    server = new WorkbenchWebServer(http, sockets, host, port, token);
    return server;
  }

  /** The address to open in a browser (carries the token). */
  get url(): string {
    const hostPart = this.host.includes(":") ? `[${this.host}]` : this.host;
    return `http://${hostPart}:${this.port}/?${TOKEN_QUERY_PARAM}=${encodeURIComponent(this.token)}`;
  }

  #securityHeaders(): Record<string, string> {
    const hostPart = this.host.includes(":") ? `[${this.host}]` : this.host;
    return {
      "Content-Security-Policy": contentSecurityPolicy(`ws://${hostPart}:${this.port}`),
      "X-Frame-Options": "DENY",
      "Referrer-Policy": "no-referrer",
      "Cross-Origin-Opener-Policy": "same-origin",
    };
  }

  async #serveHttp(request: IncomingMessage, response: ServerResponse, rendererDir: string): Promise<void> {
    const url = new URL(request.url ?? "/", "http://localhost");
    if (request.method !== "GET" && request.method !== "HEAD") {
      response.writeHead(405, { Allow: "GET, HEAD" }).end();
      return;
    }
    if (url.pathname === SOCKET_PATH) {
      response.writeHead(426, { "Content-Type": "text/plain; charset=utf-8" }).end("this address takes WebSocket connections only");
      return;
    }
    // Static assets carry no secrets; only the page itself (and the API socket) needs the token.
    const isPage = url.pathname === "/" || url.pathname === "/index.html";
    if (isPage && !tokenMatches(url.searchParams.get(TOKEN_QUERY_PARAM), this.token)) {
      response.writeHead(401, { "Content-Type": "text/plain; charset=utf-8", ...this.#securityHeaders() })
        .end("401: this workbench needs its access token. Open the full URL that `snakebridge serve` printed (…/?token=…).");
      return;
    }
    if (isPage && !existsSync(join(rendererDir, "index.html"))) {
      response.writeHead(200, { "Content-Type": "text/html; charset=utf-8", ...this.#securityHeaders() }).end(notBuiltPage(rendererDir));
      return;
    }
    const file = await resolveStaticFile(rendererDir, url.pathname);
    if (!file) {
      response.writeHead(404, { "Content-Type": "text/plain; charset=utf-8" }).end("not found");
      return;
    }
    sendFile(response, file, this.#securityHeaders());
  }

  #upgrade(request: IncomingMessage, socket: Duplex, head: Buffer, service: WorkbenchService): void {
    const url = new URL(request.url ?? "/", "http://localhost");
    if (url.pathname !== SOCKET_PATH) {
      socket.end("HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    if (!tokenMatches(url.searchParams.get(TOKEN_QUERY_PARAM), this.token)) {
      socket.end("HTTP/1.1 401 Unauthorized\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
      return;
    }
    this.sockets.handleUpgrade(request, socket, head, (ws) => this.#accept(ws, service));
  }

  #accept(ws: WebSocket, service: WorkbenchService): void {
    this.#connections.add(ws);
    const connection = new ClientConnection(service, (message: ServerMessage) => {
      if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
    });
    ws.on("message", (data, isBinary) => {
      if (isBinary) return void ws.close(1003, "the Workbench API speaks JSON text frames");
      let parsed: unknown;
      try {
        parsed = JSON.parse(data.toString());
      } catch {
        return void ws.close(1007, "a message was not valid JSON");
      }
      connection.receive(parsed);
    });
    ws.on("error", (error) => console.error("snakebridge host: WebSocket error:", error.message));
    ws.on("close", () => {
      connection.dispose();
      this.#connections.delete(ws);
    });
  }

  /** Closes every connection and stops listening. */
  async close(): Promise<void> {
    for (const ws of this.#connections) ws.terminate();
    this.#connections.clear();
    await new Promise<void>((resolve, reject) => this.sockets.close((error) => (error ? reject(error) : resolve())));
    await new Promise<void>((resolve, reject) => {
      this.http.close((error) => (error ? reject(error) : resolve()));
      this.http.closeAllConnections();
    });
  }
}

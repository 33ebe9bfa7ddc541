// The web transport: HTTP for the built renderer, a WebSocket for the Workbench API, both behind the
// session token, the Host allow-list (DNS rebinding) and the Origin allow-list (cross-site WebSocket hijacking).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { Duplex } from "node:stream";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { WebSocketServer, type WebSocket } from "ws";
import { SOCKET_PATH, TOKEN_QUERY_PARAM, type ServerMessage } from "../../api/wire.js";
import type { WorkbenchService } from "../service/workbench-service.js";
import { ClientConnection } from "./client-connection.js";
import { securityHeaders } from "./content-security.js";
import { RequestGuard, urlHost } from "./request-guard.js";
import { newSessionToken } from "./session-token.js";
import type { MetricsPage } from "../metrics/workbench-metrics.js";
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
  /** Host names (or name:port) accepted besides the bound address and loopback (`--allow-host`). */
  allowHosts?: readonly string[];
  /** Origins allowed to open the API socket besides the served one (`--allow-origin`). */
  allowOrigins?: readonly string[];
  /** Prometheus metrics served at /metrics to requests with the token (Prometheus sends Authorization: Bearer). */
  metrics?: () => Promise<MetricsPage>;
}

/** A request the guard stopped: status and a message that says what to do. */
interface Refusal {
  status: number;
  message: string;
  headers?: Record<string, string>;
}

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: "Bad Request",
  401: "Unauthorized",
  403: "Forbidden",
  404: "Not Found",
  408: "Request Timeout",
  426: "Upgrade Required",
  431: "Request Header Fields Too Large",
};

/** A WebSocket key is 16 random bytes in base64. */
const WEBSOCKET_KEY = /^[+/0-9A-Za-z]{22}==$/;

/** Largest message a client may send (a notebook with outputs can be large). */
const MAX_MESSAGE_BYTES = 64 * 1024 * 1024;

/** A running web transport; close() ends every connection and the listener. */
export class WorkbenchWebServer {
  #metrics: (() => Promise<MetricsPage>) | undefined;
  readonly #connections = new Set<WebSocket>();
  readonly #http: Server;
  readonly #sockets: WebSocketServer;
  readonly #guard: RequestGuard;

  private constructor(
    http: Server,
    sockets: WebSocketServer,
    guard: RequestGuard,
    readonly host: string,
    readonly port: number,
    readonly token: string,
  ) {
    this.#http = http;
    this.#sockets = sockets;
    this.#guard = guard;
  }

  /** Starts listening; resolves once the port is bound. */
  static async start(options: WebServerOptions): Promise<WorkbenchWebServer> {
    const host = options.host ?? "127.0.0.1";
    const token = options.token ?? newSessionToken();
    const sockets = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
    let server: WorkbenchWebServer | undefined;
    // requireHostHeader off: a request without Host reaches the Host check below and gets our 403 with our headers.
    const http = createServer({ requireHostHeader: false }, (request, response) => {
      // First, so that every reply (401, 404, 500 included) carries them.
      for (const [name, value] of Object.entries(securityHeaders())) response.setHeader(name, value);
      if (!server) return void response.writeHead(503).end();
      server.#serveHttp(request, response, options.rendererDir).catch((error: unknown) => {
        console.error("snakebridge host: HTTP request failed:", error);
        if (!response.headersSent) response.writeHead(500, { "Content-Type": "text/plain; charset=utf-8" });
        response.end("internal error (see the host's log)");
      });
    });
    http.on("upgrade", (request, socket, head) => {
      socket.on("error", () => undefined); // a client that hangs up mid-handshake is not our error
      if (server) server.#upgrade(request, socket, head, options.service);
      else socket.destroy();
    });
    // Malformed HTTP: answer it ourselves so the reply carries the security headers too.
    http.on("clientError", (error: NodeJS.ErrnoException, socket: Duplex) => {
      if (!socket.writable) return void socket.destroy();
      const status = error.code === "HPE_HEADER_OVERFLOW" ? 431 : error.code === "ERR_HTTP_REQUEST_TIMEOUT" ? 408 : 400;
      socket.end(rawResponse(status, "the request was not valid HTTP"));
    });
    await new Promise<void>((resolve, reject) => {
      http.once("error", reject);
      http.listen(options.port ?? 0, host, () => {
        http.off("error", reject);
        resolve();
      });
    });
    const port = (http.address() as AddressInfo).port;
    let guard: RequestGuard;
    try {
      guard = new RequestGuard({
        host,
        port,
        token,
        allowHosts: options.allowHosts ?? [],
        allowOrigins: options.allowOrigins ?? [],
      });
    } catch (error) {
      http.close();
      throw error;
    }
    server = new WorkbenchWebServer(http, sockets, guard, host, port, token);
    server.#metrics = options.metrics;
    return server;
  }

  /** The address to open in a browser (carries the token). */
  get url(): string {
    return `http://${urlHost(this.host)}:${this.port}/?${TOKEN_QUERY_PARAM}=${encodeURIComponent(this.token)}`;
  }

  /** The cookie a browser keeps the token in after the first load (its name carries the port). */
  get cookieName(): string {
    return this.#guard.cookieName;
  }

  /** Host and Origin checks shared by page requests and socket upgrades; undefined when they pass. */
  #screen(request: IncomingMessage): Refusal | undefined {
    if (!this.#guard.hostAllowed(request.headers)) {
      return {
        status: 403,
        message: `403: this workbench does not answer to the host name "${String(request.headers.host ?? "")}". Open the address \`snakebridge serve\` printed, or start it with --allow-host NAME.`,
      };
    }
    if (this.#guard.origin(request.headers) === "refused") {
      return {
        status: 403,
        message: `403: requests from the origin "${String(request.headers.origin)}" are refused. Use the workbench's own page, or start it with --allow-origin ORIGIN.`,
      };
    }
    return undefined;
  }

  async #serveHttp(request: IncomingMessage, response: ServerResponse, rendererDir: string): Promise<void> {
    const refused =
      this.#screen(request) ??
      (request.method === "GET" || request.method === "HEAD"
        ? undefined
        : { status: 405, message: "405: only GET and HEAD", headers: { Allow: "GET, HEAD" } });
    if (refused) return void replyText(response, refused);
    // The socket's origin as this page was addressed (127.0.0.1, localhost, an allowed name).
    response.setHeader(
      "Content-Security-Policy",
      securityHeaders(`ws://${String(request.headers.host)}`)["Content-Security-Policy"]!,
    );
    const target = parseTarget(request.url);
    if (!target)
      return void replyText(response, { status: 400, message: "400: the request path is not a valid URL path" });
    if (target.path === SOCKET_PATH)
      return void replyText(response, { status: 426, message: "426: this address takes WebSocket connections only" });
    if (target.path === "/metrics" && this.#metrics)
      return this.#serveMetrics(request, response, target.query, this.#metrics);
    const file = await resolveStaticFile(rendererDir, target.path);
    // Built assets (scripts, styles, fonts) are public build output; every page needs the token.
    // Decided on the decoded path and the file it names, so no spelling of index.html slips past.
    const isPublicAsset = file !== undefined && !file.toLowerCase().endsWith(".html");
    if (!isPublicAsset) {
      const source = this.#guard.tokenSource(request.headers, target.query);
      const isPage = target.path === "/" || target.path === "/index.html" || file !== undefined;
      if (source === null && isPage) {
        return void replyText(response, {
          status: 401,
          message:
            "401: this workbench needs its access token. Open the full address that `snakebridge serve` printed (…/?token=…). " +
            "If the workbench restarted, it printed a new address: the old one no longer works.",
        });
      }
      if (source === "query") response.setHeader("Set-Cookie", this.#guard.sessionCookie());
    }
    if (
      !file &&
      (target.path === "/" || target.path === "/index.html") &&
      !existsSync(join(rendererDir, "index.html"))
    ) {
      response.writeHead(200, { "Content-Type": "text/html; charset=utf-8" }).end(notBuiltPage(rendererDir));
      return;
    }
    if (!file) return void replyText(response, { status: 404, message: "404: not found" });
    sendFile(response, file, {});
  }

  /** /metrics: the same token as everything else, from the query, the cookie or Authorization: Bearer. */
  async #serveMetrics(
    request: IncomingMessage,
    response: ServerResponse,
    query: URLSearchParams,
    render: () => Promise<MetricsPage>,
  ): Promise<void> {
    if (this.#guard.tokenSource(request.headers, query) === null) {
      return void replyText(response, {
        status: 401,
        message:
          "401: /metrics needs the session token (Authorization: Bearer TOKEN, as Prometheus's bearer_token_file sends it)",
        headers: { "WWW-Authenticate": "Bearer" },
      });
    }
    const page = await render();
    response
      .writeHead(200, { "Content-Type": page.contentType, "Cache-Control": "no-store" })
      .end(request.method === "HEAD" ? undefined : page.body);
  }

  #upgrade(request: IncomingMessage, socket: Duplex, head: Buffer, service: WorkbenchService): void {
    const refusal = this.#screenUpgrade(request);
    if (refusal) return void socket.end(rawResponse(refusal.status, refusal.message, refusal.headers));
    this.#sockets.handleUpgrade(request, socket, head, (ws) => this.#accept(ws, service));
  }

  #screenUpgrade(request: IncomingMessage): Refusal | undefined {
    const screened = this.#screen(request);
    if (screened) return screened;
    const target = parseTarget(request.url);
    if (!target || target.path !== SOCKET_PATH) return { status: 404, message: "404: not found" };
    const source = this.#guard.tokenSource(request.headers, target.query);
    if (source === null) return { status: 401, message: "401: the API socket needs the session token" };
    // A browser always sends Origin on a WebSocket; a client without one is not a browser, and a
    // cookie alone (which any program could have copied) does not identify it.
    if (source === "cookie" && this.#guard.origin(request.headers) === "absent") {
      return {
        status: 401,
        message: "401: without an Origin header, give the token as ?token= or Authorization: token …",
      };
    }
    const { headers } = request;
    if (String(headers.upgrade).toLowerCase() !== "websocket")
      return { status: 400, message: "400: Upgrade must be websocket" };
    if (headers["sec-websocket-version"] !== "13")
      return { status: 426, message: "426: WebSocket version 13 only", headers: { "Sec-WebSocket-Version": "13" } };
    if (typeof headers["sec-websocket-key"] !== "string" || !WEBSOCKET_KEY.test(headers["sec-websocket-key"]))
      return { status: 400, message: "400: invalid Sec-WebSocket-Key" };
    return undefined;
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
    await new Promise<void>((resolve, reject) => this.#sockets.close((error) => (error ? reject(error) : resolve())));
    await new Promise<void>((resolve, reject) => {
      this.#http.close((error) => (error ? reject(error) : resolve()));
      this.#http.closeAllConnections();
    });
  }
}

/** The decoded path and the query of a request target; undefined for anything but a clean origin-form path. */
function parseTarget(raw: string | undefined): { path: string; query: URLSearchParams } | undefined {
  // Absolute-form ("GET http://evil/ HTTP/1.1") and "*" targets are for proxies; we are not one.
  if (typeof raw !== "string" || !raw.startsWith("/") || raw.startsWith("//")) return undefined;
  const mark = raw.indexOf("?");
  const rawPath = mark === -1 ? raw : raw.slice(0, mark);
  let path: string;
  try {
    // Decoded once, here, before any decision: /%69ndex.html is /index.html for the checks too.
    path = decodeURIComponent(rawPath);
  } catch {
    return undefined;
  }
  if (path.includes("\0") || path.includes("\\")) return undefined;
  return { path, query: new URLSearchParams(mark === -1 ? "" : raw.slice(mark + 1)) };
}

function replyText(response: ServerResponse, refusal: Refusal): void {
  response
    .writeHead(refusal.status, {
      ...refusal.headers,
      "Content-Type": "text/plain; charset=utf-8",
      "Cache-Control": "no-store",
    })
    .end(refusal.message);
}

/** A complete HTTP reply written on a raw socket (refused upgrades, malformed requests). */
function rawResponse(status: number, message: string, extra: Record<string, string> = {}): string {
  const body = Buffer.from(message, "utf8");
  const headers = {
    ...securityHeaders(),
    ...extra,
    "Content-Type": "text/plain; charset=utf-8",
    "Content-Length": String(body.length),
    Connection: "close",
  };
  const lines = Object.entries(headers).map(([name, value]) => `${name}: ${value}`);
  return `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? "Error"}\r\n${lines.join("\r\n")}\r\n\r\n${message}`;
}

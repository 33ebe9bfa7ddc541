// `--metrics-port`: /metrics on a loopback port of its own, for a Prometheus on the same machine.
// No token (Prometheus scrapes it as a plain target), so it binds 127.0.0.1 only and answers only to
// loopback Host names (a rebound DNS name cannot read it from a browser).
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { RequestGuard } from "../transports/request-guard.js";
import type { MetricsPage } from "./workbench-metrics.js";

export interface MetricsServer {
  url: string;
  port: number;
  close(): Promise<void>;
}

/** Serves `render()` at http://127.0.0.1:PORT/metrics. */
export async function startMetricsServer(port: number, render: () => Promise<MetricsPage>): Promise<MetricsServer> {
  let guard: RequestGuard | undefined;
  const server: Server = createServer((request, response) => {
    response.setHeader("Cache-Control", "no-store");
    response.setHeader("X-Content-Type-Options", "nosniff");
    if (!guard?.hostAllowed(request.headers))
      return void response.writeHead(403).end("403: the metrics port answers to 127.0.0.1 and localhost only\n");
    if (request.method !== "GET" && request.method !== "HEAD")
      return void response.writeHead(405, { Allow: "GET, HEAD" }).end();
    const path = (request.url ?? "").split("?")[0];
    if (path !== "/metrics") return void response.writeHead(404).end("404: metrics are at /metrics\n");
    render().then(
      (page) =>
        response
          .writeHead(200, { "Content-Type": page.contentType })
          .end(request.method === "HEAD" ? undefined : page.body),
      (error: unknown) =>
        response
          .writeHead(500)
          .end(`500: collecting metrics failed: ${error instanceof Error ? error.message : String(error)}\n`),
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const bound = (server.address() as AddressInfo).port;
  // Tokens are not used on this port; the guard is here for its Host allow-list.
  guard = new RequestGuard({ host: "127.0.0.1", port: bound, token: "" });
  return {
    url: `http://127.0.0.1:${bound}/metrics`,
    port: bound,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

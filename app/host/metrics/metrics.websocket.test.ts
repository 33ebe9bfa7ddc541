// /metrics through the real web server and a real host: the token is required (Bearer, as Prometheus sends
// it), the page parses with Prometheus' own text-format parser (prometheus_client), and it counts real calls.
// Also: a host in enforce mode refuses console code and says why, and --metrics-port serves on loopback.
import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PythonError } from "../../bridge/index.js";
import { WorkbenchTestClient } from "../testing/workbench-test-client.js";
import { WorkbenchWebServer } from "../transports/websocket-server.js";
import { WorkbenchHost } from "../workbench-host.js";
import { startMetricsServer, type MetricsServer } from "./metrics-server.js";
import { WorkbenchMetrics } from "./workbench-metrics.js";

const PYTHON = join(process.cwd(), "python", ".venv", "bin", "python");
const MANIFEST = "/srv/manifests/stats.yaml";

let scratch: string;
let host: WorkbenchHost;
let server: WorkbenchWebServer;
let metrics: WorkbenchMetrics;
let metricsServer: MetricsServer;

beforeAll(async () => {
  scratch = await mkdtemp(join(tmpdir(), "sb-metrics-"));
  process.env.SNAKEBRIDGE_CACHE_DIR = join(scratch, "cache");
  const rendererDir = join(scratch, "renderer");
  await mkdir(rendererDir, { recursive: true });
  await writeFile(join(rendererDir, "index.html"), "<!doctype html><title>workbench</title>");
  metrics = new WorkbenchMetrics();
  host = await WorkbenchHost.start({
    transport: "web",
    poolSize: 1,
    workspaceDir: join(scratch, "workspace"),
    runsDb: join(scratch, "runs.db"),
    metrics,
    enforce: {
      policy: { manifests: [MANIFEST], rules: [{ kind: "function", path: "statistics.mean", manifest: MANIFEST }] },
    },
  });
  server = await WorkbenchWebServer.start({
    service: host.service,
    rendererDir,
    port: 0,
    metrics: () => metrics.render(),
  });
  metricsServer = await startMetricsServer(0, () => metrics.render());
  await host.ready;
}, 60_000);

afterAll(async () => {
  await metricsServer?.close();
  await server?.close();
  await host?.dispose();
  metrics?.dispose();
  await rm(scratch, { recursive: true, force: true });
});

function get(
  url: string,
  headers: Record<string, string> = {},
): Promise<{ status: number; type: string; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { headers }, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () =>
        resolve({ status: response.statusCode ?? 0, type: String(response.headers["content-type"]), body }),
      );
    });
    req.on("error", reject);
    req.end();
  });
}

interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses exposition text with prometheus_client's parser (the reference implementation), in the project venv. */
function parsePrometheus(text: string): Promise<Record<string, { type: string; samples: Sample[] }>> {
  const script = [
    "import json, sys",
    "from prometheus_client.parser import text_string_to_metric_families",
    "out = {f.name: {'type': f.type, 'samples': [{'name': s.name, 'labels': s.labels, 'value': s.value} for s in f.samples]}",
    "       for f in text_string_to_metric_families(sys.stdin.read())}",
    "print(json.dumps(out))",
  ].join("\n");
  return new Promise((resolve, reject) => {
    const child = execFile(PYTHON, ["-c", script], { timeout: 20_000 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`the Prometheus parser refused the page: ${stderr || error.message}`));
      else resolve(JSON.parse(stdout) as Record<string, { type: string; samples: Sample[] }>);
    });
    child.stdin?.end(text);
  });
}

describe("/metrics", () => {
  it("refuses a request without the token, and one with a wrong Bearer token", async () => {
    const base = `http://127.0.0.1:${server.port}/metrics`;
    const none = await get(base);
    expect(none.status).toBe(401);
    expect(none.body).toContain("Bearer");
    expect((await get(base, { Authorization: "Bearer not-the-token" })).status).toBe(401);
  });

  it("serves Prometheus text that the reference parser reads, counting real calls by target and outcome", async () => {
    for (let i = 0; i < 3; i++) await host.bridge.call("statistics.mean", [[1, 2, 3]]);
    await host.bridge
      .call("os.system", ["true"])
      .catch((e: unknown) => expect((e as PythonError).classification).toBe("not_allowed"));
    const page = await get(`http://127.0.0.1:${server.port}/metrics`, { Authorization: `Bearer ${server.token}` });
    expect(page.status).toBe(200);
    expect(page.type).toContain("text/plain");
    const families = await parsePrometheus(page.body);

    const calls = families.snakebridge_calls!.samples.filter((s) => s.name === "snakebridge_calls_total");
    expect(calls.find((s) => s.labels.target === "statistics.mean" && s.labels.outcome === "ok")?.value).toBe(3);
    expect(calls.find((s) => s.labels.target === "os.system")?.labels.outcome).toBe("not_allowed");
    expect(families.snakebridge_call_duration_seconds!.type).toBe("histogram");
    const count = families.snakebridge_call_duration_seconds!.samples.find(
      (s) => s.name === "snakebridge_call_duration_seconds_count" && s.labels.outcome === "ok",
    );
    expect(count?.value).toBe(3);
    expect(families.snakebridge_pool_queue_depth!.samples[0]!.value).toBe(0);
    expect(families.snakebridge_workers!.samples.find((s) => s.labels.state === "idle")?.value).toBe(1);
    expect(families.snakebridge_worker_events!.type).toBe("counter");
    expect(families.snakebridge_live_handles!.samples.map((s) => s.labels.worker)).toEqual(["w1"]);
  });

  it("counts descriptor-cache misses and hits of the host's describer", async () => {
    const client = await WorkbenchTestClient.connect(`http://127.0.0.1:${server.port}`, server.token);
    try {
      await client.request("libraries.describe", { module: "colorsys" });
      await client.request("libraries.describe", { module: "colorsys" });
    } finally {
      await client.close();
    }
    const page = await get(`http://127.0.0.1:${server.port}/metrics`, { Authorization: `Bearer ${server.token}` });
    const samples = (await parsePrometheus(page.body)).snakebridge_descriptor_cache!.samples;
    expect(samples.find((s) => s.labels.result === "miss")?.value).toBe(1);
    expect(samples.find((s) => s.labels.result === "hit")?.value).toBe(1);
  }, 60_000);

  it("is also served, without a token, on its own loopback port; other Host names are refused", async () => {
    const page = await get(metricsServer.url);
    expect(page.status).toBe(200);
    expect(Object.keys(await parsePrometheus(page.body))).toContain("snakebridge_calls");
    expect((await get(metricsServer.url, { Host: "evil.example" })).status).toBe(403);
    expect((await get(metricsServer.url.replace("/metrics", "/other"))).status).toBe(404);
  });
});

describe("a host in enforce mode", () => {
  it("reports enforce mode in its status and refuses console lines and notebook cells, Python and TypeScript", async () => {
    const client = await WorkbenchTestClient.connect(`http://127.0.0.1:${server.port}`, server.token);
    try {
      const status = await client.request("host.status", {});
      expect(status.enforce).toEqual({ manifests: [MANIFEST] });
      const result = await client.request("console.eval", { session: "c1", code: "import os; os.getpid()" }).then(
        (r) => JSON.stringify(r),
        (e: unknown) => String(e instanceof Error ? e.message : e),
      );
      expect(result).toMatch(/enforce mode/);
      // TypeScript cells would run in the host itself, out of the workers' reach: refused before anything runs.
      const cell = await client
        .request("notebooks.run", { notebookId: "n1", cellId: "c1", language: "typescript", source: "process.pid" })
        .then(
          (r) => JSON.stringify(r),
          (e: unknown) => String(e instanceof Error ? e.message : e),
        );
      expect(cell).toMatch(/Running code is off: this workbench runs in enforce mode/);
    } finally {
      await client.close();
    }
  });
});

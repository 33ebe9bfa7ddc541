// Every request family of the Workbench API, through the real WebSocket transport, real Python workers.
import { writeFile, mkdir } from "node:fs/promises";
import { request as httpRequest } from "node:http";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { NotebookDocument } from "../api/workbench-api.js";
import { ApiError } from "../api/workbench-api.js";
import { closeTestHost, startTestHost } from "./testing/test-host.js";
import { WorkbenchTestClient } from "./testing/workbench-test-client.js";
import type { WorkbenchWebServer } from "./transports/websocket-server.js";
import type { WorkbenchHost } from "./workbench-host.js";

let scratch: string;
let rendererDir: string;
let host: WorkbenchHost;
let server: WorkbenchWebServer;
let client: WorkbenchTestClient;
let baseUrl: string;

beforeAll(async () => {
  ({ scratch, rendererDir, host, server, client, baseUrl } = await startTestHost("snakebridge-host-", { poolSize: 2 }));
  // Served as it is read: a file added after the start is there for the tests below.
  await mkdir(join(rendererDir, "assets"), { recursive: true });
  await writeFile(join(rendererDir, "assets", "app.js"), "console.log('app')");
  await writeFile(join(scratch, "secret.txt"), "do not serve");
}, 60_000);

afterAll(async () => {
  await closeTestHost({ client, server, host, scratch });
});

/** GET `path` on the test server: status, headers and body. */
function get(
  path: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(`${baseUrl}${path}`, (response) => {
      let body = "";
      response.setEncoding("utf8");
      response.on("data", (chunk: string) => (body += chunk));
      response.on("end", () => resolve({ status: response.statusCode ?? 0, headers: response.headers, body }));
    });
    req.on("error", reject);
    req.end();
  });
}

describe("host and transport", () => {
  it("prints a URL with the real port and token", () => {
    expect(server.url).toBe(`http://127.0.0.1:${server.port}/?token=${encodeURIComponent(server.token)}`);
    expect(server.port).toBeGreaterThan(0);
  });

  it("reports a ready host with its interpreter and workspace", async () => {
    const status = await client.request("host.status", {});
    expect(status.state).toBe("ready");
    expect(status.transport).toBe("web");
    expect(status.workspaceDir).toBe(join(scratch, "workspace"));
    expect(status.interpreter?.version).toMatch(/^3\.\d+/);
    expect(status.pool.workers).toHaveLength(2);
  });

  it("answers 401 without the token and never upgrades the socket", async () => {
    const page = await get("/");
    expect(page.status).toBe(401);
    await expect(WorkbenchTestClient.connect(baseUrl, "wrong-token")).rejects.toThrow("HTTP 401");
    await expect(WorkbenchTestClient.connect(baseUrl, "")).rejects.toThrow("HTTP 401");
  });

  it("serves the renderer with the CSP, and nothing outside it", async () => {
    const page = await get(`/?token=${encodeURIComponent(server.token)}`);
    expect(page.status).toBe(200);
    expect(page.headers["content-type"]).toBe("text/html; charset=utf-8");
    expect(page.headers["content-security-policy"]).toBe(
      `default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; worker-src 'self' blob:; ` +
        `connect-src 'self' ws://127.0.0.1:${server.port}; img-src 'self' data: blob:; font-src 'self' data:; ` +
        `frame-src 'none'; object-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'`,
    );
    const script = await get("/assets/app.js");
    expect(script.headers["content-type"]).toBe("text/javascript; charset=utf-8");
    expect((await get("/../secret.txt")).status).toBe(404);
    expect((await get("/%2e%2e/secret.txt")).status).toBe(404);
    expect((await get("/assets/")).status).toBe(404);
  });

  it("answers malformed requests with bad_request", async () => {
    await expect(client.request("workspace.read", {} as { path: string })).rejects.toMatchObject({
      code: "bad_request",
    });
    await expect(client.request("no.such" as "host.status", {})).rejects.toMatchObject({ code: "bad_request" });
  });
});

describe("libraries", () => {
  it("describes json with string enums, then answers from the cache", async () => {
    const library = await client.request("libraries.describe", { module: "json", depth: 0 });
    expect(library.name).toBe("json");
    const dumps = library.modules[0]?.functions.find((f) => f.name === "dumps");
    expect(dumps?.signatures[0]?.parameters[0]).toMatchObject({ name: "obj", kind: "positional_or_keyword" });
    expect(library.fromCache).toBe(false);
    const again = await client.request("libraries.describe", { module: "json", depth: 0 });
    expect(again.fromCache).toBe(true);
    const cached = await client.request("libraries.cached", {});
    expect(cached.map((c) => c.name)).toContain("json");
  });

  it("completes manifest entrypoints from cached descriptors", async () => {
    const { items } = await client.request("manifests.completions", { prefix: "json.du" });
    expect(items.map((i) => i.label)).toEqual(expect.arrayContaining(["json.dump", "json.dumps"]));
  });
});

describe("workspace and manifests", () => {
  it("is seeded with an example manifest and notebook", async () => {
    const files = await client.request("workspace.list", {});
    expect(files).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ path: "manifests/stdlib.manifest.yaml", kind: "manifest" }),
        expect.objectContaining({ path: "notebooks/welcome.ipynb", kind: "notebook" }),
      ]),
    );
    const { text } = await client.request("workspace.read", { path: "manifests/stdlib.manifest.yaml" });
    expect((await client.request("manifests.validate", { text })).diagnostics).toEqual([]);
  });

  it("writes atomically and reads back; refuses paths outside the workspace", async () => {
    const written = await client.request("workspace.write", { path: "notes/a.txt", text: "hello\n" });
    expect(written.modifiedAt).toBeGreaterThan(0);
    expect((await client.request("workspace.read", { path: "notes/a.txt" })).text).toBe("hello\n");
    await client.request("workspace.write", { path: "notes/a.txt", text: "second\n" });
    expect((await client.request("workspace.read", { path: "notes/a.txt" })).text).toBe("second\n");
    const listed = (await client.request("workspace.list", {})).map((f) => f.path);
    expect(listed.filter((p) => p.startsWith("notes/"))).toEqual(["notes/a.txt"]); // no temp files left
    await expect(client.request("workspace.read", { path: "../secret.txt" })).rejects.toMatchObject({
      code: "forbidden",
    });
    await expect(client.request("workspace.read", { path: "missing.txt" })).rejects.toMatchObject({
      code: "not_found",
    });
  });

  it("validates manifests with positions", async () => {
    const { diagnostics } = await client.request("manifests.validate", {
      text: "version: 1\nintegrations:\n  - package: json\n    bogus: 1\n",
    });
    expect(diagnostics.length).toBeGreaterThan(0);
    expect(diagnostics[0]).toMatchObject({ severity: "error", line: expect.any(Number) as number });
    expect(diagnostics[0]!.line).toBeGreaterThanOrEqual(3);
  });

  it("serves the manifest and run-config schemas", async () => {
    expect((await client.request("manifests.schema", {})).schema.title).toBe("Snakebridge integration manifest");
    expect(typeof (await client.request("training.schema", {})).schema).toBe("object");
  });
});

describe("notebooks", () => {
  it("runs a numpy cell and returns an ndarray of shape [2, 3]", async () => {
    const result = await client.request("notebooks.run", {
      notebookId: "nb-1",
      cellId: "c1",
      language: "python",
      source: "import numpy as np\nprint('hi')\nnp.arange(6).reshape(2, 3)",
    });
    expect(result.status).toBe("ok");
    const value = result.outputs.find((o) => o.type === "result");
    expect(value).toMatchObject({
      type: "result",
      value: { kind: "ndarray", shape: [2, 3], size: 6, data: ["0", "1", "2", "3", "4", "5"] },
    });
    expect(result.outputs[0]).toEqual({
      type: "stream",
      stream: "stdout",
      text: expect.stringContaining("hi") as string,
    });
    await client.waitForEvent(
      "notebook.output",
      (e) => e.notebookId === "nb-1" && e.cellId === "c1" && e.output.type === "result",
    );
  });

  it("keeps the namespace between cells and forgets it on restart", async () => {
    await client.request("notebooks.run", { notebookId: "nb-2", cellId: "a", language: "python", source: "x = 41" });
    const next = await client.request("notebooks.run", {
      notebookId: "nb-2",
      cellId: "b",
      language: "python",
      source: "x + 1",
    });
    expect(next.outputs).toEqual([expect.objectContaining({ type: "result", repr: "42" })]);
    await client.request("notebooks.restart", { notebookId: "nb-2" });
    const after = await client.request("notebooks.run", {
      notebookId: "nb-2",
      cellId: "b",
      language: "python",
      source: "x",
    });
    expect(after.status).toBe("error");
    expect(after.outputs[0]).toMatchObject({ type: "error", error: { type: "NameError" } });
  });

  it("interrupts a cell that sleeps for 30 s within 2 s", async () => {
    const running = client.request("notebooks.run", {
      notebookId: "nb-3",
      cellId: "s",
      language: "python",
      source: "import time\ntime.sleep(30)",
    });
    await new Promise((r) => setTimeout(r, 500));
    const started = performance.now();
    expect(await client.request("notebooks.interrupt", { notebookId: "nb-3" })).toEqual({ interrupted: true });
    const result = await running;
    expect(performance.now() - started).toBeLessThan(2_000);
    expect(result.status).toBe("interrupted");
  });

  it("round-trips a notebook through .ipynb", async () => {
    const notebook: NotebookDocument = {
      metadata: { custom: { kept: true } },
      cells: [
        {
          id: "p1",
          language: "python",
          source: "print('a')\n1 + 1",
          executionCount: 3,
          outputs: [
            { type: "stream", stream: "stdout", text: "a\n" },
            { type: "result", executionCount: 3, value: { kind: "int", value: "2" }, repr: "2" },
          ],
        },
        {
          id: "t1",
          language: "typescript",
          source: "const x: number = 1;\nx",
          executionCount: null,
          outputs: [{ type: "diagnostics", diagnostics: [{ line: 1, column: 7, message: "example" }] }],
        },
      ],
    };
    await client.request("notebooks.save", { path: "notebooks/round.ipynb", notebook });
    const raw = JSON.parse((await client.request("workspace.read", { path: "notebooks/round.ipynb" })).text) as {
      nbformat: number;
      cells: unknown[];
    };
    expect(raw.nbformat).toBe(4);
    expect(raw.cells).toHaveLength(2);
    const opened = await client.request("notebooks.open", { path: "notebooks/round.ipynb" });
    expect(opened.cells).toEqual(notebook.cells);
    expect(opened.metadata.custom).toEqual({ kept: true });
  });

  it("runs a TypeScript cell: console.log is stdout, the last expression the result", async () => {
    const result = await client.request("notebooks.run", {
      notebookId: "nb-ts",
      cellId: "t",
      language: "typescript",
      source:
        "const xs: number[] = [1, 2, 3];\nconsole.log('sum', xs.reduce((a, b) => a + b, 0));\nawait Promise.resolve(xs.length * 2)",
    });
    expect(result.status).toBe("ok");
    expect(result.executionCount).toBe(1);
    expect(result.outputs).toEqual([
      { type: "stream", stream: "stdout", text: "sum 6\n" },
      expect.objectContaining({ type: "result", executionCount: 1, value: { kind: "int", value: "6" }, repr: "6" }),
    ]);
  }, 30_000);

  it("reports TypeScript type errors as diagnostics and does not run the cell", async () => {
    const result = await client.request("notebooks.run", {
      notebookId: "nb-ts",
      cellId: "bad",
      language: "typescript",
      source: "console.log('ran');\nconst n: number = 'text';",
    });
    expect(result.status).toBe("error");
    // A cell that does not compile never runs, so it takes no execution count.
    expect(result.executionCount).toBeNull();
    expect(result.outputs).toEqual([
      { type: "diagnostics", diagnostics: [expect.objectContaining({ line: 2, column: 7 })] },
    ]);
  }, 30_000);
});

describe("generated SDKs", () => {
  it("generates the example manifest into the workspace and a TypeScript cell calls it", async () => {
    const { text } = await client.request("workspace.read", { path: "manifests/stdlib.manifest.yaml" });
    const generated = await client.request("manifests.generate", {
      text,
      path: "manifests/stdlib.manifest.yaml",
      write: true,
    });
    expect(generated.diagnostics).toEqual([]);
    expect(generated.ok).toBe(true);
    expect(generated.outputDir).toBe(join(scratch, "workspace", "manifests", "generated", "stdlib"));
    expect(generated.files.map((f) => f.path)).toContain("index.ts");
    const cell = await client.request("notebooks.run", {
      notebookId: "nb-sdk",
      cellId: "sdk",
      language: "typescript",
      source:
        'import { stdlib } from "./manifests/generated/stdlib/index.js";\nconst m = await stdlib.statistics.mean([1, 2, 3, 4]);\nm',
    });
    expect(cell.outputs).toEqual([expect.objectContaining({ type: "result", value: { kind: "float", value: 2.5 } })]);
    expect(cell.status).toBe("ok");
  }, 120_000);

  it("reports unknown entrypoints as positioned diagnostics instead of generating", async () => {
    const text =
      "version: 1\nintegrations:\n  - package: statistics\n    entrypoints:\n      functions: [no_such_function]\n";
    const generated = await client.request("manifests.generate", { text, write: false });
    expect(generated.ok).toBe(false);
    expect(generated.diagnostics[0]?.message).toMatch(/no_such_function/);
    expect(generated.diagnostics[0]?.line).toBe(5);
  }, 60_000);
});

describe("training", () => {
  it("lists runs from the workspace's store and rejects an invalid config", async () => {
    expect(await client.request("training.runs", {})).toEqual([]);
    await expect(client.request("training.start", { configText: "model: 3\n" })).rejects.toMatchObject({
      code: "bad_request",
    });
    await expect(client.request("training.run", { runId: "missing" })).rejects.toMatchObject({ code: "not_found" });
  });
});

describe("console", () => {
  it("evaluates 1+1 to 2", async () => {
    const result = await client.request("console.eval", { session: "main", code: "1+1" });
    expect(result.outputs).toEqual([
      expect.objectContaining({ type: "result", repr: "2", value: { kind: "int", value: "2" } }),
    ]);
    await client.waitForEvent("console.output", (e) => e.session === "main" && e.output.type === "result");
  });

  it("knows when a statement needs more lines", async () => {
    expect(await client.request("console.isComplete", { code: "for i in range(3):" })).toEqual({ complete: false });
    expect(await client.request("console.isComplete", { code: "x = 1" })).toEqual({ complete: true });
    expect(await client.request("console.isComplete", { code: "x = = 1" })).toEqual({ complete: true });
  });

  it("cancels a request when the client sends a cancel message", async () => {
    const controller = new AbortController();
    const running = client.request(
      "console.eval",
      { session: "cancel-me", code: "import time; time.sleep(30)" },
      controller.signal,
    );
    await new Promise((r) => setTimeout(r, 500));
    const started = performance.now();
    controller.abort();
    const outcome = await running.then(
      (r) => r.status,
      (e: unknown) => (e instanceof ApiError ? e.code : String(e)),
    );
    expect(["interrupted", "cancelled"]).toContain(outcome);
    expect(performance.now() - started).toBeLessThan(2_000);
  });
});

describe("workers", () => {
  it("lists workers and keeps their output", async () => {
    const pool = await client.request("workers.list", {});
    expect(pool.size).toBe(2);
    await client.request("console.eval", {
      session: "log",
      code: "import sys; sys.__stdout__.write('to-the-log\\n'); sys.__stdout__.flush()",
    });
    const output = await client.waitForEvent("worker.output", (e) => e.text.includes("to-the-log"));
    const { text } = await client.request("workers.log", { workerId: output.workerId });
    expect(text).toContain("to-the-log");
  });

  it("kills a worker and pool.changed shows it back", async () => {
    const before = (await client.request("workers.list", {})).workers.find((w) => w.id === "w1")!;
    await client.request("workers.kill", { workerId: "w1" });
    const back = await client.waitForEvent("pool.changed", (pool) =>
      pool.workers.some(
        (w) => w.id === "w1" && w.generation > before.generation && w.state === "idle" && w.pid !== before.pid,
      ),
    );
    expect(back.workers.find((w) => w.id === "w1")?.restarts).toBeGreaterThan(before.restarts);
    await expect(client.request("workers.kill", { workerId: "w9" })).rejects.toMatchObject({ code: "not_found" });
  }, 30_000);
});

// The notebook through the real WebSocket transport and real Python workers: output coalescing and bounds,
// the polyglot scope in both directions, variables, rich displays, completion and error presentation.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CellOutput } from "../api/values-view.js";
import type { WorkbenchEvents } from "../api/workbench-api.js";
import { OUTPUT_HEAD_CHARS, OUTPUT_TAIL_CHARS } from "../api/output-transcript.js";
import { closeTestHost, startTestHost } from "./testing/test-host.js";
import type { WorkbenchTestClient } from "./testing/workbench-test-client.js";
import type { WorkbenchWebServer } from "./transports/websocket-server.js";
import type { WorkbenchHost } from "./workbench-host.js";

let scratch: string;
let host: WorkbenchHost;
let server: WorkbenchWebServer;
let client: WorkbenchTestClient;

beforeAll(async () => {
  // TypeScript cells' loops may hold the host for 1 s here (10 s by default), so the endless loops below end soon.
  ({ scratch, host, server, client } = await startTestHost("snakebridge-notebook-", {
    poolSize: 2,
    env: { SNAKEBRIDGE_TS_CELL_BLOCK_S: "1" },
  }));
}, 60_000);

afterAll(async () => {
  await closeTestHost({ client, server, host, scratch });
});

/** The notebook.output events of one cell received so far. */
function outputEvents(notebookId: string, cellId: string): CellOutput[] {
  return client.events.flatMap((message) => {
    if (message.kind !== "event" || message.event !== "notebook.output") return [];
    const payload = message.payload as WorkbenchEvents["notebook.output"];
    return payload.notebookId === notebookId && payload.cellId === cellId ? [payload.output] : [];
  });
}

function streamText(outputs: CellOutput[]): string {
  return outputs.map((o) => (o.type === "stream" ? o.text : "")).join("");
}

const run = (notebookId: string, cellId: string, language: "python" | "typescript", source: string) =>
  client.request("notebooks.run", { notebookId, cellId, language, source });

describe("output coalescing", () => {
  it("sends 10,000 printed lines in at most 200 events, complete and in order", async () => {
    const result = await run("big", "lines", "python", "for i in range(10_000):\n    print('line', i)");
    expect(result.status).toBe("ok");
    // The result event can trail the response by a tick; the last stream chunk is sent before the response.
    const events = outputEvents("big", "lines");
    expect(events.length).toBeGreaterThan(0);
    expect(events.length).toBeLessThanOrEqual(200);
    const expected = Array.from({ length: 10_000 }, (_, i) => `line ${i}\n`).join("");
    expect(streamText(events)).toBe(expected);
    expect(result.outputs).toEqual([{ type: "stream", stream: "stdout", text: expected }]);
  }, 60_000);

  it("shows text printed before a long sleep while the cell still runs", async () => {
    const running = run(
      "big",
      "sleepy",
      "python",
      "print('before', flush=False)\nimport time\ntime.sleep(1.5)\nprint('after')",
    );
    const started = performance.now();
    await client.waitForEvent(
      "notebook.output",
      (e) => e.cellId === "sleepy" && e.output.type === "stream" && e.output.text.includes("before"),
    );
    expect(performance.now() - started).toBeLessThan(1_200);
    expect((await running).status).toBe("ok");
  }, 30_000);

  it("keeps a bounded head and tail of a cell that prints a million lines", async () => {
    const result = await run(
      "big",
      "million",
      "python",
      "import sys\nfor i in range(1_000_000):\n    sys.stdout.write(f'{i}\\n')",
    );
    expect(result.status).toBe("ok");
    const [head, marker, tail] = result.outputs;
    expect(head).toMatchObject({ type: "stream", stream: "stdout" });
    expect(marker).toMatchObject({ type: "truncated" });
    expect(tail).toMatchObject({ type: "stream", stream: "stdout" });
    if (head?.type !== "stream" || marker?.type !== "truncated" || tail?.type !== "stream")
      throw new Error("unexpected outputs");
    expect(head.text.startsWith("0\n1\n2\n")).toBe(true);
    expect(head.text.length).toBeLessThanOrEqual(OUTPUT_HEAD_CHARS);
    expect(tail.text.endsWith("999998\n999999\n")).toBe(true);
    expect(tail.text.length).toBeLessThanOrEqual(OUTPUT_TAIL_CHARS);
    // Nothing is lost silently: kept lines plus dropped lines are all the lines.
    const keptLines = head.text.split("\n").length - 1 + tail.text.split("\n").length - 1;
    expect(keptLines + marker.lines).toBe(1_000_000);
    expect(outputEvents("big", "million").length).toBeLessThan(2_000);
  }, 120_000);

  it("keeps display() and print() in the order they ran", async () => {
    const source = [
      "class Html:",
      "    def _repr_html_(self): return '<b>bold</b>'",
      "print('one')",
      "display(Html())",
      "print('two')",
      "Html()",
    ].join("\n");
    const result = await run("rich", "order", "python", source);
    expect(result.status).toBe("ok");
    expect(result.outputs).toEqual([
      { type: "stream", stream: "stdout", text: "one\n" },
      { type: "display", data: expect.objectContaining({ "text/html": "<b>bold</b>" }) as unknown },
      { type: "stream", stream: "stdout", text: "two\n" },
      { type: "display", data: expect.objectContaining({ "text/html": "<b>bold</b>" }) as unknown },
    ]);
  }, 30_000);
});

describe("the polyglot scope", () => {
  it("shares TypeScript top-level names between cells, and a redeclaring cell runs again", async () => {
    const first = await run(
      "poly",
      "t1",
      "typescript",
      "const xs: number[] = [1, 2, 3];\nlet total = xs.reduce((a, b) => a + b, 0);\nfunction double(n: number): number { return n * 2; }\ntotal",
    );
    expect(first.status).toBe("ok");
    const second = await run("poly", "t2", "typescript", "double(total) + xs.length");
    expect(second.outputs).toEqual([expect.objectContaining({ type: "result", repr: "15" })]);
    const again = await run(
      "poly",
      "t1",
      "typescript",
      "const xs: number[] = [10];\nlet total = 10;\nfunction double(n: number): number { return n * 2; }\ntotal",
    );
    expect(again.status).toBe("ok");
    const typed = await run("poly", "t3", "typescript", "const s: string = total;");
    expect(typed.status).toBe("error");
    expect(typed.outputs[0]).toMatchObject({ type: "diagnostics" });
  }, 60_000);

  it("reads and calls Python through py, typed from the live values", async () => {
    await run("poly", "p1", "python", "import numpy as np\nx = 41\nname = 'snake'\na = np.array([3.0, 4.0])");
    const read = await run(
      "poly",
      "t4",
      "typescript",
      "const next = (await py.x) + 1;\nconst upper: string = (await py.name).toUpperCase();\n[next, upper]",
    );
    expect(read.status).toBe("ok");
    expect(read.outputs).toEqual([
      expect.objectContaining({
        type: "result",
        value: {
          kind: "list",
          total: 2,
          items: [
            { kind: "int", value: "42" },
            { kind: "str", value: "SNAKE" },
          ],
        },
      }),
    ]);
    const norm = await run("poly", "t5", "typescript", "await py.np.linalg.norm(await py.a)");
    expect(norm.outputs).toEqual([expect.objectContaining({ type: "result", repr: "5" })]);
    const wrong = await run("poly", "t6", "typescript", "const n: string = await py.x;");
    expect(wrong.status).toBe("error");
    expect(wrong.outputs[0]).toMatchObject({
      type: "diagnostics",
      diagnostics: [expect.objectContaining({ message: expect.stringMatching(/number/) as string })],
    });
  }, 60_000);

  it("types a py global as the generated class when an SDK in the workspace wraps its class", async () => {
    const manifest =
      "version: 1\ncodegen:\n  namespace: objects\n  out_dir: generated/objects\nintegrations:\n  - package: fractions\n    entrypoints:\n      classes:\n        - name: Fraction\n          methods: [limit_denominator]\n";
    const generated = await client.request("manifests.generate", {
      text: manifest,
      path: "manifests/objects.manifest.yaml",
      write: true,
    });
    expect(generated.ok).toBe(true);
    await run("poly", "p-frac", "python", "from fractions import Fraction\nhalf = Fraction(1, 2)");
    const wrong = await run("poly", "t-frac-wrong", "typescript", "const n: number = await py.half;");
    expect(wrong.outputs[0]).toMatchObject({
      type: "diagnostics",
      diagnostics: [expect.objectContaining({ message: expect.stringContaining("Fraction") as string })],
    });
    const wrapped = await run("poly", "t-frac", "typescript", "const half = await py.half;\nhalf.constructor.name");
    expect(wrapped.status).toBe("ok");
    expect(wrapped.outputs).toEqual([expect.objectContaining({ type: "result", repr: "'Fraction'" })]);
  }, 120_000);

  it("gives Python cells a snapshot of the TypeScript values as ts", async () => {
    await run("poly", "t7", "typescript", "const config = { epochs: 3, name: 'run' };\nconst scores = [0.5, 0.75];");
    const result = await run("poly", "p2", "python", "ts['config']['epochs'] * 2, ts['scores'], 'double' in ts");
    expect(result.outputs).toEqual([expect.objectContaining({ type: "result", repr: "(6, [0.5, 0.75], False)" })]);
  }, 60_000);

  it("lists both languages' variables and inspects one", async () => {
    const { python, typescript } = await client.request("notebooks.variables", { notebookId: "poly" });
    expect(python).toContainEqual(expect.objectContaining({ name: "a", type: "numpy.ndarray", shape: "2", size: 16 }));
    expect(python.map((v) => v.name)).not.toContain("np");
    expect(typescript).toContainEqual(expect.objectContaining({ name: "scores", type: "Array", shape: "2" }));
    expect(typescript.map((v) => v.name)).not.toContain("double");
    const inspected = await client.request("notebooks.inspect", { notebookId: "poly", language: "python", name: "a" });
    expect(inspected.value).toMatchObject({ kind: "ndarray", shape: [2] });
    await expect(
      client.request("notebooks.inspect", { notebookId: "poly", language: "typescript", name: "nope" }),
    ).rejects.toMatchObject({ code: "not_found" });
  }, 30_000);

  it("forgets both scopes on restart", async () => {
    await client.request("notebooks.restart", { notebookId: "poly" });
    const ts = await run("poly", "t8", "typescript", "total");
    expect(ts.status).toBe("error");
    const py = await run("poly", "p3", "python", "ts");
    expect(py.outputs[0]).toMatchObject({ type: "error", error: { type: "NameError" } });
  }, 30_000);
});

describe("saving a notebook that another tab saved since", () => {
  it("refuses to overwrite the newer file unless asked to, and says why", async () => {
    const path = "notebooks/two-tabs.ipynb";
    const mine = { cells: [], metadata: {} };
    const { modifiedAt: first } = await client.request("notebooks.save", { path, notebook: mine });
    expect((await client.request("notebooks.open", { path })).modifiedAt).toBe(first);
    await new Promise((r) => setTimeout(r, 20)); // a later modification time for the other tab's save
    const theirs = {
      cells: [{ id: "t", language: "python" as const, source: "theirs", executionCount: null, outputs: [] }],
      metadata: {},
    };
    const { modifiedAt: second } = await client.request("notebooks.save", {
      path,
      notebook: theirs,
      expectedModifiedAt: first,
    });
    await expect(
      client.request("notebooks.save", { path, notebook: mine, expectedModifiedAt: first }),
    ).rejects.toMatchObject({ code: "conflict", message: expect.stringMatching(/saved by someone else/) });
    expect((await client.request("notebooks.open", { path })).cells.map((c) => c.source)).toEqual(["theirs"]);
    await client.request("notebooks.save", { path, notebook: mine, expectedModifiedAt: second });
    expect((await client.request("notebooks.open", { path })).cells).toEqual([]);
  });
});

describe("the welcome notebook", () => {
  it("runs green on a fresh workspace, no SDK generated", async () => {
    const notebook = await client.request("notebooks.open", { path: "notebooks/welcome.ipynb" });
    expect(notebook.cells.some((cell) => cell.language === "markdown")).toBe(true);
    for (const cell of notebook.cells) {
      if (cell.language === "markdown") continue;
      const result = await run("welcome", cell.id, cell.language, cell.source);
      expect({ cell: cell.id, status: result.status, outputs: result.status === "ok" ? [] : result.outputs }).toEqual({
        cell: cell.id,
        status: "ok",
        outputs: [],
      });
    }
  }, 120_000);
});

describe("TypeScript cells that never let the host do anything else", () => {
  it("an endless loop, synchronous or on resolved promises only, is stopped with a message; the host answers on", async () => {
    for (const [cellId, source] of [
      ["sync", "let spins = 0;\nwhile (true) { spins++; }"],
      ["microtasks", "for (;;) await null;"],
    ] as const) {
      const started = Date.now();
      const result = await run("loops", cellId, "typescript", source);
      expect(result.status).toBe("error");
      const error = result.outputs[0];
      if (error?.type !== "error") throw new Error("expected an error");
      expect(error.error.type).toBe("CellBlockedError");
      expect(error.error.message).toContain("kept the host busy for 1 s");
      expect(Date.now() - started).toBeLessThan(5_000);
      expect(await run("loops", `${cellId}-after`, "typescript", "1 + 1")).toMatchObject({
        status: "ok",
        outputs: [expect.objectContaining({ type: "result" }) as unknown],
      });
    }
  }, 30_000);

  it("an interrupted cell's loop stops, instead of running on after the cell says interrupted", async () => {
    await run("loops", "init", "typescript", "let ticks = 0;");
    const running = run(
      "loops",
      "ticking",
      "typescript",
      "function sum(n: number): number {\n  let s = 0;\n  for (let i = 0; i < n; i++) s += i;\n  return s;\n}\n" +
        "while (true) {\n  ticks++;\n  await new Promise((r) => setTimeout(r, 5));\n}",
    );
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(await client.request("notebooks.interrupt", { notebookId: "loops" })).toEqual({ interrupted: true });
    expect((await running).status).toBe("interrupted");
    const read = async (): Promise<unknown> => {
      const result = await run("loops", "read", "typescript", "ticks");
      const output = result.outputs[0];
      return output?.type === "result" ? output.repr : output;
    };
    const first = await read();
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(await read()).toEqual(first);
    // A function the interrupted cell declared runs its loop in full when a later cell calls it.
    expect(await run("loops", "call", "typescript", "sum(4)")).toMatchObject({
      status: "ok",
      outputs: [expect.objectContaining({ repr: "6" }) as unknown],
    });
  }, 30_000);
});

describe("errors, completion, Workers log", () => {
  it("shows the user's source lines in tracebacks and none of the worker's frames", async () => {
    const result = await run("err", "e1", "python", "def f(n):\n    return 1 / n\n\nf(0)");
    expect(result.status).toBe("error");
    const error = result.outputs[0];
    if (error?.type !== "error") throw new Error("expected an error");
    expect(error.error.traceback).toContain("return 1 / n");
    expect(error.error.traceback).toContain("f(0)");
    expect(error.error.traceback).not.toContain("snakebridge_worker");
    // A failed cell still takes its number, as in Jupyter; the traceback names the same cell.
    expect(result.executionCount).toBeGreaterThan(0);
    expect(error.error.traceback).toContain(`<cell ${result.executionCount}>`);
  }, 30_000);

  it("says in one line how to get pandas when the display extra is missing", async () => {
    // sys.modules[name] = None is how Python marks a module as not importable.
    await run("err", "noextra", "python", "import sys\nsys.modules['pandas'] = None");
    const result = await run("err", "noextra2", "python", "import pandas as pd\npd.DataFrame()");
    await run("err", "cleanup", "python", "import sys\ndel sys.modules['pandas']");
    expect(result.status).toBe("error");
    expect(result.outputs).toEqual([
      {
        type: "error",
        error: expect.objectContaining({
          type: "MissingDisplayExtra",
          traceback: "",
          message: expect.stringContaining("--extra display") as string,
        }) as unknown,
      },
    ]);
  }, 30_000);

  it("shows errors raised through py and in TypeScript cells without the host's or the worker's frames", async () => {
    await run("err", "pyf", "python", "def inverse(n):\n    return 1 / n");
    const viaPy = await run("err", "tsf", "typescript", "await py.inverse(0)");
    const pyError = viaPy.outputs[0];
    if (pyError?.type !== "error") throw new Error("expected an error");
    expect(pyError.error.traceback).toContain("return 1 / n");
    expect(pyError.error.traceback).not.toContain("snakebridge_worker");
    const missing = await run("err", "tsm", "typescript", "await py.not_defined_anywhere");
    expect(missing.outputs[0]).toMatchObject({ type: "error", error: { type: "NameError", traceback: "" } });
    const js = await run(
      "err",
      "tsj",
      "typescript",
      "const o: { x?: () => void } = {};\nfunction call() { o.x!(); }\ncall();",
    );
    const jsError = js.outputs[0];
    if (jsError?.type !== "error") throw new Error("expected an error");
    expect(jsError.error.traceback).toBe("TypeError: o.x is not a function\n    at call (cell)\n    at (cell)");
  }, 60_000);

  it("reads an interrupt as one line", async () => {
    const running = run("err", "sleep", "python", "import time\ntime.sleep(30)");
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await client.request("notebooks.interrupt", { notebookId: "err" })).toEqual({ interrupted: true });
    const result = await running;
    expect(result.status).toBe("interrupted");
    expect(result.outputs).toEqual([
      { type: "error", error: expect.objectContaining({ type: "Interrupted", traceback: "" }) as unknown },
    ]);
  }, 30_000);

  it("completes names and attributes from the live namespace, in notebooks and the console", async () => {
    await run("err", "c1", "python", "import collections\nmy_counter = collections.Counter('abc')");
    const attributes = await client.request("notebooks.complete", {
      notebookId: "err",
      code: "my_counter.most",
      cursor: 15,
    });
    expect(attributes.items.map((i) => i.label)).toContain("most_common");
    expect(attributes.start).toBe(11);
    await client.request("console.eval", { session: "tab", code: "alpha_value = 1" });
    const names = await client.request("console.complete", { session: "tab", code: "alpha_", cursor: 6 });
    expect(names.items.map((i) => i.label)).toContain("alpha_value");
    const hover = await client.request("notebooks.hover", {
      notebookId: "err",
      code: "collections.Counter",
      cursor: 14,
    });
    expect(hover.hover?.doc).toMatch(/dict subclass/i);
  }, 30_000);

  it("shows a cell's prints in the Workers log of the worker that ran it", async () => {
    await run("err", "log", "python", "print('cell-print-to-the-log')");
    const output = await client.waitForEvent("worker.output", (e) => e.text.includes("cell-print-to-the-log"));
    const { text } = await client.request("workers.log", { workerId: output.workerId });
    expect(text).toContain("cell-print-to-the-log");
  }, 30_000);
});

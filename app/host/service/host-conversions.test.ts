// Pure parts of the host: value conversion limits, the worker log ring buffer, .ipynb carry-through, path confinement.
import { mkdtemp, rm, symlink, writeFile, mkdir } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { NDArray, tuple } from "../../bridge/index.js";
import { resolveStaticFile } from "../transports/static-files.js";
import { tokenMatches } from "../transports/session-token.js";
import { MAX_ARRAY_ELEMENTS, MAX_CONTAINER_ITEMS, richValue } from "./convert/rich-value.js";
import { parseNotebook, serializeNotebook } from "./ipynb.js";
import { WorkerLogs } from "./worker-logs.js";
import { WorkspaceFolder } from "./workspace-folder.js";

describe("richValue", () => {
  it("cuts ndarrays to 10,000 elements and keeps int64 exact", () => {
    const big = new NDArray("int64", [20_000], new BigInt64Array(20_000).fill(2n ** 62n));
    const view = richValue(big);
    expect(view).toMatchObject({ kind: "ndarray", shape: [20_000], size: 20_000 });
    expect(view.kind === "ndarray" && view.data.length).toBe(MAX_ARRAY_ELEMENTS);
    expect(view.kind === "ndarray" && view.data[0]).toBe("4611686018427387904");
  });

  it("cuts containers to 1,000 items, keeps tuples and big ints exact", () => {
    const list = richValue(Array.from({ length: 1500 }, (_, i) => i));
    expect(list.kind === "list" && [list.items.length, list.total]).toEqual([MAX_CONTAINER_ITEMS, 1500]);
    expect(richValue(tuple(1, "a"))).toEqual({
      kind: "tuple",
      items: [
        { kind: "int", value: "1" },
        { kind: "str", value: "a" },
      ],
      total: 2,
    });
    expect(richValue(10n ** 30n)).toEqual({ kind: "int", value: "1000000000000000000000000000000" });
    expect(richValue(Number.NaN)).toEqual({ kind: "float", value: "NaN" });
  });
});

describe("WorkerLogs", () => {
  it("keeps only the newest bytes of each worker", () => {
    const logs = new WorkerLogs(10);
    logs.append("w1", "abcdef");
    logs.append("w1", "ghijkl");
    logs.append("w2", "other");
    expect(logs.text("w1")).toBe("cdefghijkl");
    expect(logs.text("w2")).toBe("other");
    expect(logs.text("w3")).toBe("");
  });
});

describe(".ipynb", () => {
  it("opens markdown cells as cells and carries raw cells through open and save at their places", () => {
    const text = JSON.stringify({
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: [
        { cell_type: "raw", id: "r", metadata: {}, source: ["raw text\n"] },
        { cell_type: "markdown", id: "m", metadata: {}, source: ["# Title\n"] },
        { cell_type: "code", id: "c", metadata: {}, execution_count: 1, outputs: [], source: ["1 + 1"] },
      ],
    });
    const notebook = parseNotebook(text, "x.ipynb");
    expect(notebook.cells.map((c) => [c.id, c.language])).toEqual([
      ["m", "markdown"],
      ["c", "python"],
    ]);
    const saved = JSON.parse(serializeNotebook(notebook)) as { cells: { cell_type: string; id: string }[] };
    expect(saved.cells.map((c) => [c.cell_type, c.id])).toEqual([
      ["raw", "r"],
      ["markdown", "m"],
      ["code", "c"],
    ]);
  });

  it("says what is wrong with a file that is not a notebook", () => {
    expect(() => parseNotebook("{", "bad.ipynb")).toThrow(/bad.ipynb is not a Jupyter notebook/);
    expect(() => parseNotebook(JSON.stringify({ nbformat: 3, cells: [] }), "old.ipynb")).toThrow(/nbformat 3/);
  });
});

describe("confinement", () => {
  it("keeps workspace paths and served files inside their folders, symlinks included", async () => {
    const dir = await mkdtemp(join(tmpdir(), "snakebridge-confine-"));
    try {
      await mkdir(join(dir, "root"));
      await writeFile(join(dir, "outside.txt"), "secret");
      await writeFile(join(dir, "root", "index.html"), "ok");
      await symlink(join(dir, "outside.txt"), join(dir, "root", "link.txt"));
      expect(await resolveStaticFile(join(dir, "root"), "/")).toBe(join(dir, "root", "index.html"));
      expect(await resolveStaticFile(join(dir, "root"), "/link.txt")).toBeUndefined();
      expect(await resolveStaticFile(join(dir, "root"), "/%2e%2e/outside.txt")).toBeUndefined();
      const workspace = new WorkspaceFolder(join(dir, "root"));
      expect(() => workspace.resolve("../outside.txt")).toThrow(/outside the workspace/);
      expect(() => workspace.resolve("/etc/passwd")).toThrow(/not a path inside the workspace/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("compares tokens of any length", () => {
    expect(tokenMatches("abc", "abc")).toBe(true);
    expect(tokenMatches("abcd", "abc")).toBe(false);
    expect(tokenMatches(null, "abc")).toBe(false);
  });
});

import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { ApiError, type CellRunResult, type NotebookCell, type NotebookDocument } from "../../api";
import { testClient, type HostAnswers } from "../../client/test-channel";
import { installWorkbenchClient } from "../../client/workbench-client";
import { useNotebookStore } from "./store";

const initial = useNotebookStore.getState();
const cell = (id: string, source = ""): NotebookCell => ({
  id,
  language: "python",
  source,
  executionCount: null,
  outputs: [],
});

/** Opens notebooks/t.ipynb with `cells` over a test host answering `extra` too; returns the channel. */
async function openNotebook(cells: NotebookCell[], extra: HostAnswers = {}): Promise<ReturnType<typeof testClient>> {
  const test = testClient({ "notebooks.open": () => ({ cells, metadata: {}, modifiedAt: 1 }), ...extra });
  installWorkbenchClient(test.client);
  await useNotebookStore.getState().open("notebooks/t.ipynb");
  return test;
}

// Streamed output is painted once per animation frame; node has no frames, so a frame is a macrotask here.
beforeAll(() => vi.stubGlobal("requestAnimationFrame", (paint: () => void) => setTimeout(paint, 0)));
afterAll(() => vi.unstubAllGlobals());

describe("notebook store", () => {
  beforeEach(() => useNotebookStore.setState(initial, true));
  afterEach(() => vi.useRealTimers());

  it("a cell turned into Markdown drops what its runs left (outputs, count, status); a running one keeps them", async () => {
    await openNotebook([
      { ...cell("a", "print(42)"), executionCount: 3, outputs: [{ type: "stream", stream: "stdout", text: "42\n" }] },
    ]);
    useNotebookStore.setState((state) => ({ status: { ...state.status, a: "ok" } }));
    useNotebookStore.getState().setLanguage("a", "markdown");
    expect(useNotebookStore.getState().cells[0]).toMatchObject({
      language: "markdown",
      outputs: [],
      executionCount: null,
    });
    expect(useNotebookStore.getState().status.a).toBe("idle");

    await openNotebook([
      { ...cell("b", "import time"), executionCount: 1, outputs: [{ type: "stream", stream: "stdout", text: "x" }] },
    ]);
    useNotebookStore.setState((state) => ({ status: { ...state.status, b: "running" } }));
    useNotebookStore.getState().setLanguage("b", "markdown");
    expect(useNotebookStore.getState().cells[0]).toMatchObject({ language: "markdown", executionCount: 1 });
    expect(useNotebookStore.getState().status.b).toBe("running");

    useNotebookStore.getState().setLanguage("b", "typescript"); // away from Markdown: nothing to drop
    expect(useNotebookStore.getState().cells[0]?.outputs).toHaveLength(1);
  });

  it("runs each cell's code as it was when queued, not as edited while it waited its turn", async () => {
    const sent: string[] = [];
    let release: () => void = () => undefined;
    await openNotebook([cell("slow", "import time; time.sleep(3)"), cell("next", "a = 1")], {
      "notebooks.run": async ({ source }) => {
        sent.push(source);
        if (source.startsWith("import time")) await new Promise<void>((resolve) => (release = resolve));
        return { status: "ok", executionCount: 1, outputs: [], durationMs: 0 };
      },
    });
    const all = useNotebookStore.getState().runAll();
    await new Promise((resolve) => setTimeout(resolve, 10));
    useNotebookStore.getState().editSource("next", "a = 1 +"); // typing while "slow" runs
    release();
    await all;
    expect(sent).toEqual(["import time; time.sleep(3)", "a = 1"]);
    expect(useNotebookStore.getState().cells[1]?.source).toBe("a = 1 +"); // the edit stays in the cell
  });

  it("Shift+Enter on the last cell adds a code cell in the language of the nearest code cell above", async () => {
    await openNotebook(
      [
        { ...cell("ts"), language: "typescript" },
        { ...cell("md", "# Notes"), language: "markdown" },
      ],
      {
        "notebooks.run": () => ({ status: "ok", executionCount: null, outputs: [], durationMs: 0 }),
      },
    );
    useNotebookStore.getState().runAndAdvance("md");
    const cells = useNotebookStore.getState().cells;
    expect(cells.map((c) => c.language)).toEqual(["typescript", "markdown", "typescript"]);
    expect(useNotebookStore.getState().selectedId).toBe(cells[2]?.id);
  });

  it("never overwrites a file saved elsewhere since it was opened: saving stops until reload or overwrite", async () => {
    // The file on disk, as another tab saves it: its content and modification time.
    let disk = { cells: [cell("a", "x = 1")], modifiedAt: 1 };
    const save = ({ notebook, expectedModifiedAt }: { notebook: NotebookDocument; expectedModifiedAt?: number }) => {
      if (expectedModifiedAt !== undefined && expectedModifiedAt !== disk.modifiedAt)
        throw new ApiError({ code: "conflict", message: "saved by someone else" });
      disk = { cells: notebook.cells, modifiedAt: disk.modifiedAt + 1 };
      return { path: "notebooks/t.ipynb", modifiedAt: disk.modifiedAt };
    };
    await openNotebook(disk.cells, {
      "notebooks.save": save,
      "notebooks.open": () => ({ cells: disk.cells, metadata: {}, modifiedAt: disk.modifiedAt }),
    });
    disk = { cells: [cell("a", "x = 1"), cell("theirs", "from the other tab")], modifiedAt: 7 };
    const store = useNotebookStore.getState();
    store.editSource("a", "x = 2 # mine");
    await store.save();
    expect(useNotebookStore.getState().conflict).toBe(true);
    expect(disk.cells.map((c) => c.id)).toEqual(["a", "theirs"]); // theirs is untouched
    await useNotebookStore.getState().save(); // and stays so: saving waits for the user's choice
    expect(disk.modifiedAt).toBe(7);

    await useNotebookStore.getState().save({ overwrite: true });
    expect(disk.cells.map((c) => c.source)).toEqual(["x = 2 # mine"]);
    expect(useNotebookStore.getState()).toMatchObject({ conflict: false, dirty: false, savedAt: 8 });

    disk = { cells: [cell("b", "newer still")], modifiedAt: 20 };
    useNotebookStore.getState().editSource("a", "lost edit");
    await useNotebookStore.getState().save();
    await useNotebookStore.getState().reload();
    expect(useNotebookStore.getState()).toMatchObject({ conflict: false, dirty: false, savedAt: 20 });
    expect(useNotebookStore.getState().cells.map((c) => c.source)).toEqual(["newer still"]);
  });

  it("a save made while another is in flight waits for it, and never conflicts with this page's own save", async () => {
    let disk = { cells: [cell("a")], modifiedAt: 1 };
    await openNotebook(disk.cells, {
      "notebooks.open": () => ({ cells: disk.cells, metadata: {}, modifiedAt: disk.modifiedAt }),
      "notebooks.save": async ({ notebook, expectedModifiedAt }) => {
        await new Promise((r) => setTimeout(r, 20)); // the host is slow: the second save comes meanwhile
        if (expectedModifiedAt !== undefined && expectedModifiedAt !== disk.modifiedAt)
          throw new ApiError({ code: "conflict", message: "saved by someone else" });
        disk = { cells: notebook.cells, modifiedAt: disk.modifiedAt + 1 };
        return { path: "notebooks/t.ipynb", modifiedAt: disk.modifiedAt };
      },
    });
    const store = useNotebookStore.getState();
    store.editSource("a", "first");
    const first = store.save();
    store.editSource("a", "second");
    await Promise.all([first, store.save()]);
    expect(useNotebookStore.getState()).toMatchObject({ conflict: false, dirty: false, savedAt: 3 });
    expect(disk.cells[0]?.source).toBe("second");
  });

  it("edits cells (add, move, remove) and autosaves the document after a pause", async () => {
    vi.useFakeTimers();
    const saved: NotebookDocument[] = [];
    await openNotebook([cell("a", "x = 1"), cell("b")], {
      "notebooks.save": ({ notebook }) => {
        saved.push(notebook);
        return { path: "notebooks/t.ipynb", modifiedAt: 5 };
      },
    });
    const store = useNotebookStore.getState();
    const added = store.addCell("a", "typescript");
    store.moveCell("b", -1);
    store.editSource(added, "const y = 2;");
    expect(useNotebookStore.getState().cells.map((c) => c.id)).toEqual(["a", "b", added]);
    expect(useNotebookStore.getState().selectedId).toBe(added);
    store.removeCell("b");
    expect(useNotebookStore.getState().dirty).toBe(true);

    await vi.advanceTimersByTimeAsync(1000);
    expect(saved).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(600);
    expect(saved).toHaveLength(1);
    expect(saved[0]?.cells.map((c) => [c.id, c.language, c.source])).toEqual([
      ["a", "python", "x = 1"],
      [added, "typescript", "const y = 2;"],
    ]);
    expect(useNotebookStore.getState().dirty).toBe(false);
    expect(useNotebookStore.getState().savedAt).toBe(5);
  });

  it("stops a running cell that is deleted, and skips a deleted queued one", async () => {
    const interrupted: string[] = [];
    let finish: (result: CellRunResult) => void = () => undefined;
    await openNotebook([cell("a"), cell("b")], {
      "notebooks.run": ({ cellId }) => {
        if (cellId !== "a") throw new Error(`cell ${cellId} should not run`);
        return new Promise<CellRunResult>((resolve) => (finish = resolve));
      },
      "notebooks.interrupt": ({ notebookId }) => {
        interrupted.push(notebookId);
        finish({ status: "interrupted", executionCount: 1, outputs: [], durationMs: 1 });
        return { interrupted: true };
      },
      "notebooks.save": () => ({ path: "notebooks/t.ipynb", modifiedAt: 1 }),
    });
    const runs = useNotebookStore.getState().runAll();
    await vi.waitFor(() => expect(useNotebookStore.getState().status["a"]).toBe("running"));
    useNotebookStore.getState().removeCell("b"); // queued: never runs
    useNotebookStore.getState().removeCell("a"); // running: stopped, not left running unseen
    await runs;
    expect(interrupted).toEqual(["notebooks/t.ipynb"]);
    expect(useNotebookStore.getState().cells).toEqual([]);
  });

  it("runs queued cells in order, and a failed cell stops the ones queued after it", async () => {
    const ran: string[] = [];
    const results: Record<string, CellRunResult> = {
      a: {
        status: "ok",
        executionCount: 1,
        outputs: [{ type: "stream", stream: "stdout", text: "1\n" }],
        durationMs: 3,
      },
      b: { status: "error", executionCount: 2, outputs: [], durationMs: 4 },
    };
    await openNotebook([cell("a"), cell("b"), cell("c")], {
      "notebooks.run": ({ cellId }) => {
        ran.push(cellId);
        const result = results[cellId];
        if (result === undefined) throw new Error(`cell ${cellId} should not run`);
        return result;
      },
      "notebooks.save": () => ({ path: "notebooks/t.ipynb", modifiedAt: 1 }),
    });
    await useNotebookStore.getState().runAll();
    const state = useNotebookStore.getState();
    expect(ran).toEqual(["a", "b"]);
    expect(state.status).toEqual({ a: "ok", b: "error", c: "idle" });
    expect(state.cells[0]?.outputs).toEqual(results["a"]?.outputs);
    expect(state.cells[0]?.executionCount).toBe(1);
    expect(state.durations).toEqual({ a: 3, b: 4 });
  });

  it("streams a running cell's output through connect, and ignores other notebooks and a disposed connection", async () => {
    let finish: (result: CellRunResult) => void = () => undefined;
    const { client, channel } = await openNotebook([cell("a")], {
      "notebooks.run": () => new Promise<CellRunResult>((resolve) => (finish = resolve)),
      "notebooks.save": () => ({ path: "notebooks/t.ipynb", modifiedAt: 1 }),
    });
    const connection = useNotebookStore.getState().connect(client);
    const running = useNotebookStore.getState().run("a");
    await vi.waitFor(() => expect(useNotebookStore.getState().status["a"]).toBe("running"));

    const notebookId = useNotebookStore.getState().notebookId;
    channel.events.emit("notebook.output", {
      notebookId,
      cellId: "a",
      output: { type: "stream", stream: "stdout", text: "step 1\n" },
    });
    channel.events.emit("notebook.output", {
      notebookId: "another",
      cellId: "a",
      output: { type: "stream", stream: "stdout", text: "not ours\n" },
    });
    await vi.waitFor(() =>
      expect(useNotebookStore.getState().cells[0]?.outputs).toEqual([
        { type: "stream", stream: "stdout", text: "step 1\n" },
      ]),
    );

    connection.dispose();
    channel.events.emit("notebook.output", {
      notebookId,
      cellId: "a",
      output: { type: "stream", stream: "stdout", text: "after dispose\n" },
    });
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(useNotebookStore.getState().cells[0]?.outputs).toHaveLength(1);

    finish({
      status: "ok",
      executionCount: 1,
      outputs: [{ type: "stream", stream: "stdout", text: "done\n" }],
      durationMs: 1,
    });
    await running;
    expect(useNotebookStore.getState().cells[0]?.outputs).toEqual([
      { type: "stream", stream: "stdout", text: "done\n" },
    ]);
  });
});

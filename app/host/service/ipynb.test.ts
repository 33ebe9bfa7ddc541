import { describe, expect, it } from "vitest";
import type { NotebookDocument } from "../../api/workbench-api.js";
import { parseNotebook, serializeNotebook } from "./ipynb.js";

describe("ipynb: Markdown cells and displays", () => {
  it("round-trips Markdown cells and display outputs, and keeps a truncation note as text", () => {
    const notebook: NotebookDocument = {
      metadata: {},
      cells: [
        { id: "m", language: "markdown", source: "# Title\n\nSome *text*.", executionCount: null, outputs: [] },
        {
          id: "p",
          language: "python",
          source: "df",
          executionCount: 2,
          outputs: [
            { type: "display", data: { "text/plain": "<b>", "text/html": "<b>x</b>" } },
            { type: "display", data: { "text/plain": "fig", "image/png": "iVBORw0KGgo=" } },
            { type: "truncated", lines: 10, chars: 120 },
          ],
        },
      ],
    };
    const text = serializeNotebook(notebook);
    const raw = JSON.parse(text) as { cells: { cell_type: string; outputs?: { output_type: string }[] }[] };
    expect(raw.cells.map((c) => c.cell_type)).toEqual(["markdown", "code"]);
    expect(raw.cells[1]?.outputs?.map((o) => o.output_type)).toEqual(["display_data", "display_data", "stream"]);
    const opened = parseNotebook(text, "n.ipynb");
    expect(opened.cells[0]).toEqual(notebook.cells[0]);
    expect(opened.cells[1]?.outputs.slice(0, 2)).toEqual(notebook.cells[1]?.outputs.slice(0, 2));
    expect(opened.cells[1]?.outputs[2]).toMatchObject({
      type: "stream",
      text: expect.stringContaining("10 lines") as string,
    });
  });

  it("reads Jupyter's own rich outputs (a DataFrame's HTML, a wrapped PNG) as displays", () => {
    const jupyter = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: [
        {
          cell_type: "code",
          id: "j",
          execution_count: 1,
          metadata: {},
          source: ["df"],
          outputs: [
            {
              output_type: "execute_result",
              execution_count: 1,
              metadata: {},
              data: { "text/html": ["<table>", "</table>"], "text/plain": ["   a\n", "0  1"] },
            },
            {
              output_type: "display_data",
              metadata: {},
              data: { "image/png": "iVBOR\nw0KGgo=\n", "text/plain": "<Figure>" },
            },
          ],
        },
      ],
    };
    const opened = parseNotebook(JSON.stringify(jupyter), "j.ipynb");
    expect(opened.cells[0]?.outputs).toEqual([
      { type: "display", data: { "text/html": "<table></table>", "text/plain": "   a\n0  1" } },
      { type: "display", data: { "image/png": "iVBORw0KGgo=", "text/plain": "<Figure>" } },
    ]);
  });

  it("reads a stream that holds a progress bar's every frame as the bar's last frame", () => {
    const jupyter = {
      nbformat: 4,
      nbformat_minor: 5,
      metadata: {},
      cells: [
        {
          cell_type: "code",
          id: "p",
          execution_count: 1,
          metadata: {},
          source: ["for i in tqdm(range(3)): pass"],
          outputs: [
            { output_type: "stream", name: "stderr", text: ["\r  0%|   | 0/3", "\r100%|###| 3/3\n", "done\n"] },
          ],
        },
      ],
    };
    expect(parseNotebook(JSON.stringify(jupyter), "p.ipynb").cells[0]?.outputs).toEqual([
      { type: "stream", stream: "stderr", text: "100%|###| 3/3\ndone\n" },
    ]);
  });
});

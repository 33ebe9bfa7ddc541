// NotebookDocument ⇄ Jupyter .ipynb (nbformat 4). Cells keep their language in cell metadata; markdown and raw
// cells, which the workbench does not edit, are carried through in notebook metadata and put back on save.
import { randomUUID } from "node:crypto";
import { applyCarriageReturns } from "../../api/carriage-returns.js";
import type { CellLanguage, NotebookCell, NotebookDocument } from "../../api/workbench-api.js";
import type { CellOutput, DisplayBundle, RichValue } from "../../api/values-view.js";
import { RequestError } from "./api-errors.js";

const RICH_MIME = "application/vnd.snakebridge.rich+json";
const TABLE_MIME = "application/vnd.snakebridge.table+json";
/** MIME types a display output carries (and Jupyter's own notebooks use). */
const DISPLAY_MIMES = ["text/html", "text/markdown", "image/png", "image/svg+xml", TABLE_MIME] as const;
const DIAGNOSTICS_MIME = "application/vnd.snakebridge.diagnostics+json";
/** Where non-code cells wait in NotebookDocument.metadata between open and save. */
const PRESERVED_KEY = "snakebridge.preservedCells";

type Json = Record<string, unknown>;

/** nbformat stores multi-line strings as arrays of lines; both forms are valid. */
function joinSource(source: unknown): string {
  if (Array.isArray(source)) return source.map((s) => String(s)).join("");
  return typeof source === "string" ? source : "";
}

function splitLines(text: string): string[] {
  return text.split(/(?<=\n)/).filter((line) => line !== "");
}

function isObject(value: unknown): value is Json {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Parses .ipynb text; throws a bad_request RequestError saying what is wrong. */
export function parseNotebook(text: string, path: string): NotebookDocument {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new RequestError("bad_request", `${path} is not a Jupyter notebook: ${(error as Error).message}`);
  }
  if (!isObject(raw) || !Array.isArray(raw.cells))
    throw new RequestError("bad_request", `${path} is not a Jupyter notebook (no "cells" list)`);
  if (raw.nbformat !== 4)
    throw new RequestError(
      "bad_request",
      `${path} is nbformat ${String(raw.nbformat)}; only nbformat 4 is supported (convert it with: jupyter nbconvert --to notebook --nbformat 4)`,
    );
  const metadata: Json = isObject(raw.metadata) ? { ...raw.metadata } : {};
  const cells: NotebookCell[] = [];
  const preserved: { index: number; cell: unknown }[] = [];
  raw.cells.forEach((cell: unknown, index) => {
    if (isObject(cell) && cell.cell_type === "code") cells.push(codeCell(cell));
    else if (isObject(cell) && cell.cell_type === "markdown") cells.push(markdownCell(cell));
    else preserved.push({ index, cell });
  });
  if (preserved.length > 0) metadata[PRESERVED_KEY] = preserved;
  return { cells, metadata };
}

function codeCell(cell: Json): NotebookCell {
  const meta = isObject(cell.metadata) ? cell.metadata : {};
  const snakebridge = isObject(meta.snakebridge) ? meta.snakebridge : {};
  const language: CellLanguage = snakebridge.language === "typescript" ? "typescript" : "python";
  return {
    id: typeof cell.id === "string" && cell.id !== "" ? cell.id : randomUUID(),
    language,
    source: joinSource(cell.source),
    executionCount: typeof cell.execution_count === "number" ? cell.execution_count : null,
    outputs: Array.isArray(cell.outputs)
      ? cell.outputs.flatMap((o: unknown) => (isObject(o) ? outputFromJupyter(o) : []))
      : [],
  };
}

function markdownCell(cell: Json): NotebookCell {
  return {
    id: typeof cell.id === "string" && cell.id !== "" ? cell.id : randomUUID(),
    language: "markdown",
    source: joinSource(cell.source),
    executionCount: null,
    outputs: [],
  };
}

/** The display bundle of a Jupyter output's data, or null when it carries nothing richer than text. */
function displayBundle(data: Json): DisplayBundle | null {
  if (!DISPLAY_MIMES.some((mime) => data[mime] !== undefined)) return null;
  const bundle: DisplayBundle = {};
  for (const mime of ["text/plain", "text/html", "text/markdown", "image/png", "image/svg+xml"] as const) {
    if (data[mime] === undefined) continue;
    const text = joinSource(data[mime]);
    // Jupyter may wrap base64 images across lines.
    bundle[mime] = mime === "image/png" ? text.replace(/\s/g, "") : text;
  }
  if (isObject(data[TABLE_MIME]))
    bundle[TABLE_MIME] = data[TABLE_MIME] as unknown as NonNullable<DisplayBundle[typeof TABLE_MIME]>;
  return bundle;
}

function outputFromJupyter(output: Json): CellOutput[] {
  const data = isObject(output.data) ? output.data : {};
  switch (output.output_type) {
    case "stream":
      // A notebook saved elsewhere may hold a progress bar's every frame: shown as its last, as Jupyter does.
      return [
        {
          type: "stream",
          stream: output.name === "stderr" ? "stderr" : "stdout",
          text: applyCarriageReturns(joinSource(output.text)),
        },
      ];
    case "execute_result":
    case "display_data": {
      if (Array.isArray(data[DIAGNOSTICS_MIME])) {
        return [
          {
            type: "diagnostics",
            diagnostics: data[DIAGNOSTICS_MIME] as { line: number; column: number; message: string }[],
          },
        ];
      }
      const bundle = displayBundle(data);
      if (bundle) return [{ type: "display", data: bundle }];
      const value = isObject(data[RICH_MIME]) ? (data[RICH_MIME] as RichValue) : null;
      const count = typeof output.execution_count === "number" ? output.execution_count : 0;
      return [{ type: "result", executionCount: count, value, repr: joinSource(data["text/plain"]) }];
    }
    case "error": {
      const traceback = Array.isArray(output.traceback) ? output.traceback.map(String).join("\n") : "";
      return [
        {
          type: "error",
          error: {
            type: String(output.ename ?? "Error"),
            module: "",
            message: String(output.evalue ?? ""),
            traceback,
            classification: "runtime_error",
          },
        },
      ];
    }
    default:
      return [];
  }
}

/** Serialises a notebook as nbformat 4.5 JSON text. */
export function serializeNotebook(notebook: NotebookDocument): string {
  const metadata: Json = { ...notebook.metadata };
  const preserved = Array.isArray(metadata[PRESERVED_KEY])
    ? (metadata[PRESERVED_KEY] as { index: number; cell: unknown }[])
    : [];
  delete metadata[PRESERVED_KEY];
  metadata.kernelspec ??= { name: "python3", display_name: "Python 3", language: "python" };
  metadata.language_info ??= { name: "python" };
  const cells: unknown[] = notebook.cells.map(cellToJupyter);
  for (const { index, cell } of [...preserved].sort((a, b) => a.index - b.index)) {
    cells.splice(Math.min(index, cells.length), 0, cell);
  }
  return JSON.stringify({ cells, metadata, nbformat: 4, nbformat_minor: 5 }, null, 1) + "\n";
}

function cellToJupyter(cell: NotebookCell): Json {
  if (cell.language === "markdown")
    return { cell_type: "markdown", id: cell.id, metadata: {}, source: splitLines(cell.source) };
  return {
    cell_type: "code",
    execution_count: cell.executionCount,
    id: cell.id,
    metadata: cell.language === "typescript" ? { snakebridge: { language: "typescript" } } : {},
    outputs: cell.outputs.map(outputToJupyter),
    source: splitLines(cell.source),
  };
}

function outputToJupyter(output: CellOutput): Json {
  switch (output.type) {
    case "stream":
      return { output_type: "stream", name: output.stream, text: splitLines(output.text) };
    case "result":
      return {
        output_type: "execute_result",
        execution_count: output.executionCount,
        data: {
          "text/plain": splitLines(output.repr),
          ...(output.value === null ? {} : { [RICH_MIME]: output.value }),
        },
        metadata: {},
      };
    case "error":
      return {
        output_type: "error",
        ename: output.error.type,
        evalue: output.error.message,
        traceback: output.error.traceback.split("\n"),
      };
    case "display":
      return { output_type: "display_data", data: { ...output.data }, metadata: {} };
    case "truncated":
      return {
        output_type: "stream",
        name: "stdout",
        text: [`[… ${output.lines} lines (${output.chars} characters) of output were not kept …]\n`],
      };
    case "diagnostics":
      return {
        output_type: "display_data",
        data: {
          "text/plain": output.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`).join("\n"),
          [DIAGNOSTICS_MIME]: output.diagnostics,
        },
        metadata: {},
      };
  }
}

// notebooks.*: .ipynb files in the workspace, and cells run in the notebook's Python session or in the host (TypeScript).
import type { PythonBridge } from "../../../bridge/index.js";
import type { CellRunResult } from "../../../api/workbench-api.js";
import type { CellOutput } from "../../../api/values-view.js";
import { RequestError } from "../api-errors.js";
import type { EventHub } from "../event-hub.js";
import { parseNotebook, serializeNotebook } from "../ipynb.js";
import type { PythonCellRunner } from "../python-cells.js";
import type { HandlerTable } from "../request-handler.js";
import type { WorkspaceFolder } from "../workspace-folder.js";

type NotebookRequests = "notebooks.open" | "notebooks.save" | "notebooks.run" | "notebooks.interrupt" | "notebooks.restart";

/** What the notebooks feature needs from the TypeScript cell runner. */
export interface TypeScriptCellRunner {
  run(notebookId: string, source: string, onOutput: (output: CellOutput) => void, signal: AbortSignal): Promise<CellRunResult>;
  /** Aborts the notebook's running TypeScript cell; false when none runs. */
  interrupt(notebookId: string): boolean;
  /** Forgets the notebook's TypeScript state. */
  reset(notebookId: string): void;
}

/** The notebooks' request handlers. */
export function notebookHandlers(
  bridge: PythonBridge, workspace: WorkspaceFolder, python: PythonCellRunner, typescript: TypeScriptCellRunner, events: EventHub,
): HandlerTable<NotebookRequests> {
  return {
    "notebooks.open": async ({ path }) => parseNotebook(await workspace.read(path), path),
    "notebooks.save": async ({ path, notebook }) => {
      if (!path.endsWith(".ipynb")) throw new RequestError("bad_request", `notebooks are saved as .ipynb files; "${path}" has another extension`);
      if (!Array.isArray(notebook.cells)) throw new RequestError("bad_request", "notebooks.save: notebook.cells must be a list");
      const modifiedAt = await workspace.write(path, serializeNotebook({ cells: notebook.cells, metadata: notebook.metadata ?? {} }));
      return { path, modifiedAt };
    },
    "notebooks.run": ({ notebookId, cellId, language, source }, { signal }) => {
      const onOutput = (output: CellOutput): void => events.emit("notebook.output", { notebookId, cellId, output });
      if (language === "python") return python.run(notebookId, source, onOutput, signal);
      if (language === "typescript") return typescript.run(notebookId, source, onOutput, signal);
      throw new RequestError("bad_request", `cell language must be "python" or "typescript", got "${String(language)}"`);
    },
    "notebooks.interrupt": async ({ notebookId }) => {
      const ts = typescript.interrupt(notebookId);
      const py = await python.interrupt(notebookId);
      return { interrupted: ts || py };
    },
    "notebooks.restart": async ({ notebookId }) => {
      typescript.interrupt(notebookId);
      await python.interrupt(notebookId);
      typescript.reset(notebookId);
      await bridge.resetSession(notebookId);
      return {};
    },
  };
}

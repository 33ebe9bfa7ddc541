// notebooks.*: .ipynb files in the workspace, and cells run in the notebook's Python session or in the host (TypeScript).
import type { PythonBridge } from "../../../bridge/index.js";
import { PyHandle } from "../../../bridge/index.js";
import type { CellRunResult, CompletionView, HoverView, VariableView } from "../../../api/workbench-api.js";
import type { CellOutput } from "../../../api/values-view.js";
import { RequestError } from "../api-errors.js";
import type { EventHub } from "../event-hub.js";
import { parseNotebook, serializeNotebook } from "../ipynb.js";
import type { PythonCellRunner } from "../python-cells.js";
import type { HandlerTable } from "../request-handler.js";
import type { WorkspaceFolder } from "../workspace-folder.js";
import { jsResult } from "../typescript-cells/js-rich-value.js";
import type { NotebookScope } from "../typescript-cells/notebook-scope.js";

type NotebookRequests =
  | "notebooks.open"
  | "notebooks.save"
  | "notebooks.run"
  | "notebooks.interrupt"
  | "notebooks.restart"
  | "notebooks.variables"
  | "notebooks.inspect"
  | "notebooks.complete"
  | "notebooks.hover";

/** What the notebooks feature needs from the TypeScript cell runner. */
export interface TypeScriptCellRunner {
  run(
    notebookId: string,
    source: string,
    onOutput: (output: CellOutput) => void,
    signal: AbortSignal,
  ): Promise<CellRunResult>;
  /** Aborts the notebook's running TypeScript cell; false when none runs. */
  interrupt(notebookId: string): boolean;
  /** Forgets the notebook's TypeScript state. */
  reset(notebookId: string): void;
  /** The notebook's TypeScript top-level scope. */
  scope(notebookId: string): NotebookScope;
}

const SCOPE_MODULE = "snakebridge_worker.notebook_scope";
const COMPLETION_MODULE = "snakebridge_worker.completion";
/** Completion and hover wait behind a running cell at most this long (they run on the worker's main thread). */
const ASSIST_TIMEOUT_MS = 5_000;

/** Python-side helpers, called in the session's own worker. */
export class NotebookPython {
  readonly #bridge: PythonBridge;

  constructor(bridge: PythonBridge) {
    this.#bridge = bridge;
  }

  #call(
    target: string,
    args: Parameters<PythonBridge["call"]>[1],
    session: string,
    signal?: AbortSignal,
    timeoutMs = ASSIST_TIMEOUT_MS,
  ): ReturnType<PythonBridge["call"]> {
    return this.#bridge.call(
      target,
      args,
      {},
      { session, affinity: "strict", timeoutMs, ...(signal ? { signal } : {}) },
    );
  }

  /** Puts the TypeScript snapshot into the session as `ts`. */
  async pushTs(session: string, scope: NotebookScope, signal?: AbortSignal): Promise<void> {
    await this.#call(`${SCOPE_MODULE}.set_ts`, [session, scope.snapshot()], session, signal, 60_000);
  }

  /** The session's variables. */
  async variables(session: string, signal?: AbortSignal): Promise<VariableView[]> {
    const rows = await this.#call(`${SCOPE_MODULE}.variables`, [session], session, signal);
    if (!Array.isArray(rows)) return [];
    return rows.flatMap((row): VariableView[] => {
      if (row === null || typeof row !== "object" || Array.isArray(row)) return [];
      const { name, type, shape, size, preview } = row as Record<string, unknown>;
      if (typeof name !== "string") return [];
      return [
        {
          name,
          type: String(type ?? ""),
          shape: String(shape ?? ""),
          size: typeof size === "number" ? size : Number(size ?? 0),
          preview: String(preview ?? ""),
        },
      ];
    });
  }

  /** One global's value for display; a live object is described, then released. */
  async inspect(
    session: string,
    name: string,
    signal?: AbortSignal,
  ): Promise<{ value: ReturnType<typeof jsResult>["value"]; repr: string }> {
    const value = await this.#call(`${SCOPE_MODULE}.get`, [session, [name]], session, signal);
    const shown = jsResult(value);
    if (value instanceof PyHandle) await value.release();
    return shown;
  }

  /** Completions at a cursor. */
  async complete(session: string, code: string, cursor: number, signal?: AbortSignal): Promise<CompletionView> {
    const found = await this.#call(`${COMPLETION_MODULE}.complete`, [session, code, cursor], session, signal);
    return completionView(found, cursor);
  }

  /** Docs of the name under a cursor. */
  async hover(session: string, code: string, cursor: number, signal?: AbortSignal): Promise<HoverView | null> {
    const found = await this.#call(`${COMPLETION_MODULE}.hover`, [session, code, cursor], session, signal);
    if (found === null || typeof found !== "object" || Array.isArray(found)) return null;
    const { name, signature, doc } = found as Record<string, unknown>;
    return { name: String(name ?? ""), signature: String(signature ?? ""), doc: String(doc ?? "") };
  }
}

/** Checks what completion.complete returned. */
function completionView(found: unknown, cursor: number): CompletionView {
  if (found === null || typeof found !== "object" || Array.isArray(found))
    return { start: cursor, items: [], engine: "" };
  const { start, items, engine } = found as Record<string, unknown>;
  const list = Array.isArray(items) ? items : [];
  return {
    start: typeof start === "number" ? start : cursor,
    engine: String(engine ?? ""),
    items: list.flatMap((item) => {
      if (item === null || typeof item !== "object") return [];
      const { label, kind, detail } = item as Record<string, unknown>;
      return typeof label === "string" ? [{ label, kind: String(kind ?? ""), detail: String(detail ?? "") }] : [];
    }),
  };
}

/** The host-side session state of a notebook (bridge.state) as Variables panel rows. */
function stateVariables(bridge: PythonBridge, notebookId: string): VariableView[] {
  return bridge
    .state(notebookId)
    .list()
    .map(({ name, value, schema }) => {
      const preview = previewOf(value);
      const length = Array.isArray(value) || typeof value === "string" ? String(value.length) : "";
      const type = typeof schema?.["type"] === "string" ? `${schema["type"]} (schema)` : kindOf(value);
      return { name, type, shape: length, size: Buffer.byteLength(preview), preview };
    });
}

function kindOf(value: unknown): string {
  if (value === null) return "None";
  if (Array.isArray(value)) return "list";
  if (value instanceof Map || (typeof value === "object" && value !== null)) return "dict";
  return typeof value;
}

function previewOf(value: unknown): string {
  try {
    const text = JSON.stringify(value, (_key, v: unknown) =>
      typeof v === "bigint" ? v.toString() : v instanceof Map ? Object.fromEntries(v) : v,
    );
    return text.length > 200 ? `${text.slice(0, 199)}…` : text;
  } catch {
    return String(value);
  }
}

/** The notebooks' request handlers. */
export function notebookHandlers(
  bridge: PythonBridge,
  workspace: WorkspaceFolder,
  python: PythonCellRunner,
  typescript: TypeScriptCellRunner,
  events: EventHub,
): HandlerTable<NotebookRequests> {
  const helpers = new NotebookPython(bridge);
  /** Notebooks whose Python session has received a `ts` snapshot (so an empty scope still replaces a stale one). */
  const pushed = new Set<string>();
  return {
    "notebooks.open": async ({ path }) => {
      const modifiedAt = await workspace.modifiedAt(path);
      return { ...parseNotebook(await workspace.read(path), path), modifiedAt };
    },
    "notebooks.save": async ({ path, notebook, expectedModifiedAt }) => {
      if (!path.endsWith(".ipynb"))
        throw new RequestError("bad_request", `notebooks are saved as .ipynb files; "${path}" has another extension`);
      if (!Array.isArray(notebook.cells))
        throw new RequestError("bad_request", "notebooks.save: notebook.cells must be a list");
      if (expectedModifiedAt !== undefined) {
        const current = await workspace.modifiedAt(path).catch(() => undefined); // gone: nothing to overwrite
        if (current !== undefined && current !== expectedModifiedAt) {
          throw new RequestError(
            "conflict",
            `${path} was saved by someone else (another tab or program) since this page opened it; reload it ` +
              "to see that version, or overwrite it with yours",
          );
        }
      }
      const modifiedAt = await workspace.write(
        path,
        serializeNotebook({ cells: notebook.cells, metadata: notebook.metadata ?? {} }),
      );
      return { path, modifiedAt };
    },
    "notebooks.run": async ({ notebookId, cellId, language, source }, { signal }) => {
      const onOutput = (output: CellOutput): void => events.emit("notebook.output", { notebookId, cellId, output });
      if (language === "python") {
        const scope = typescript.scope(notebookId);
        if (!scope.empty || pushed.has(notebookId)) {
          await helpers.pushTs(notebookId, scope, signal);
          pushed.add(notebookId);
        }
        return python.run(notebookId, source, onOutput, signal);
      }
      if (language === "typescript") return typescript.run(notebookId, source, onOutput, signal);
      if (language === "markdown") return { status: "ok", executionCount: null, outputs: [], durationMs: 0 };
      throw new RequestError(
        "bad_request",
        `cell language must be "python", "typescript" or "markdown", got "${String(language)}"`,
      );
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
      pushed.delete(notebookId);
      await bridge.resetSession(notebookId);
      return {};
    },
    "notebooks.variables": async ({ notebookId }, { signal }) => ({
      python: python.isRunning(notebookId) ? [] : await helpers.variables(notebookId, signal),
      typescript: typescript.scope(notebookId).variables(),
      state: stateVariables(bridge, notebookId),
    }),
    "notebooks.inspect": async ({ notebookId, language, name }, { signal }) => {
      if (language === "typescript") {
        const values = typescript.scope(notebookId).values;
        if (!(name in values))
          throw new RequestError(
            "not_found",
            `no TypeScript variable "${name}" in this notebook; run the cell that declares it`,
          );
        return jsResult(values[name]);
      }
      return helpers.inspect(notebookId, name, signal);
    },
    "notebooks.complete": ({ notebookId, code, cursor }, { signal }) =>
      helpers.complete(notebookId, code, cursor, signal),
    "notebooks.hover": async ({ notebookId, code, cursor }, { signal }) => ({
      hover: await helpers.hover(notebookId, code, cursor, signal),
    }),
  };
}

import { create } from "zustand";
import type { CellOutput, RichValue } from "../../api";
import type { CellLanguage, NotebookCell, NotebookDocument, VariableView } from "../../api";
import { OutputTranscript } from "../../api";
import type { IDisposable } from "../../base";
import { ApiError } from "../../api";
import { errorMessage, workbench, type WorkbenchClient } from "../../client/workbench-client";
import { useWorkspaceFiles, workspaceHas } from "../../platform/workspace-files";

export type CellStatus = "idle" | "queued" | "running" | "ok" | "error" | "interrupted";

interface NotebookState {
  path: string | null;
  /** Identifies the notebook's Python namespace and TypeScript state on the host. */
  notebookId: string;
  cells: NotebookCell[];
  metadata: Record<string, unknown>;
  status: Record<string, CellStatus>;
  durations: Record<string, number>;
  selectedId: string | null;
  dirty: boolean;
  saving: boolean;
  /** The file's modification time when this page last opened or saved it: a save names it (see `conflict`). */
  savedAt: number | null;
  /**
   * The file was saved elsewhere (another tab or program) since this page opened it: saving stops, the page's cells
   * stay as they are, until the user reloads the file or overwrites it.
   */
  conflict: boolean;
  error: string | null;
  notice: string | null;
  /** Refreshes the shared workspace file list (the panel shows its notebooks). */
  loadFiles(): Promise<void>;
  open(path: string): Promise<void>;
  createNew(name: string): Promise<void>;
  select(cellId: string): void;
  editSource(cellId: string, source: string): void;
  setLanguage(cellId: string, language: CellLanguage): void;
  addCell(afterId: string | null, language: CellLanguage): string;
  removeCell(cellId: string): void;
  moveCell(cellId: string, offset: -1 | 1): void;
  run(cellId: string): Promise<CellStatus>;
  runAndAdvance(cellId: string): void;
  runAll(): Promise<void>;
  interrupt(): Promise<void>;
  restart(): Promise<void>;
  /** Saves the notebook; refused while in conflict unless `overwrite`, which replaces the file's newer version. */
  save(options?: { overwrite?: boolean }): Promise<void>;
  /** Opens the file as saved now, dropping this page's unsaved changes (the way out of a conflict). */
  reload(): Promise<void>;
  receiveOutput(notebookId: string, cellId: string, output: CellOutput): void;
  /** The Variables panel: open or not, each language's variables, and the one being inspected. */
  variablesOpen: boolean;
  variables: { python: VariableView[]; typescript: VariableView[]; state: VariableView[] } | null;
  inspected: { language: CellLanguage; name: string; value: RichValue | null; repr: string } | null;
  toggleVariables(): void;
  loadVariables(): Promise<void>;
  inspect(language: CellLanguage, name: string): Promise<void>;
  /** Streams running cells' output ("notebook.output") into the cells until disposed. */
  connect(client: WorkbenchClient): IDisposable;
}

const AUTOSAVE_DELAY_MS = 1500;
let autosaveTimer: ReturnType<typeof setTimeout> | null = null;
/** Cells waiting to run, in order: Run All and Shift+Enter queue behind a running cell like Jupyter. */
let runQueue: Promise<unknown> = Promise.resolve();
/** Saves in flight, in order (see save). */
let saveQueue: Promise<unknown> = Promise.resolve();
/** What streamed in for each running cell, bounded like the host's copy (a million lines must not exhaust the page). */
const streaming = new Map<string, OutputTranscript>();
/** Cells whose transcript changed since the last paint: the store is updated once per frame, not per event. */
const changedCells = new Set<string>();
let paintScheduled = false;
let lastPaint = 0;
/** Streamed output repaints at most this often: 20 updates a second look live and leave the frames to the user. */
const PAINT_INTERVAL_MS = 50;

/** Queued cells go back to idle: a failed or interrupted cell stops the cells queued after it. */
function dropQueued(status: Record<string, CellStatus>): Record<string, CellStatus> {
  const next: Record<string, CellStatus> = {};
  for (const [id, value] of Object.entries(status)) next[id] = value === "queued" ? "idle" : value;
  return next;
}

function newCellId(): string {
  return crypto.randomUUID().slice(0, 8);
}

function document(state: Pick<NotebookState, "cells" | "metadata">): NotebookDocument {
  return { cells: state.cells, metadata: state.metadata };
}

export const useNotebookStore = create<NotebookState>((set, get) => {
  /** Marks the notebook changed and schedules an autosave (the host writes atomically). */
  const changed = (): void => {
    set({ dirty: true });
    if (autosaveTimer) clearTimeout(autosaveTimer);
    autosaveTimer = setTimeout(() => {
      if (get().dirty && get().path && !get().conflict) void get().save();
    }, AUTOSAVE_DELAY_MS);
  };
  /** Saves now (see save, which queues this); in conflict only when told to overwrite. */
  const saveNow = async (options: { overwrite?: boolean }): Promise<void> => {
    const { path, savedAt, conflict } = get();
    if (!path) return;
    if (conflict && options.overwrite !== true) return; // the banner asks which version to keep
    set({ saving: true });
    // Edits made while the save is in flight must keep the notebook dirty.
    const snapshot = get().cells;
    try {
      const { modifiedAt } = await workbench().call("notebooks.save", {
        path,
        notebook: document(get()),
        ...(options.overwrite === true || savedAt === null ? {} : { expectedModifiedAt: savedAt }),
      });
      set({ dirty: get().cells !== snapshot, savedAt: modifiedAt, conflict: false, error: null });
    } catch (error) {
      if (error instanceof ApiError && error.code === "conflict") set({ conflict: true, error: null });
      else set({ error: `Could not save ${path}: ${errorMessage(error)}. Your cells are still here; try Save again.` });
    } finally {
      set({ saving: false });
    }
  };
  const updateCell = (cellId: string, update: (cell: NotebookCell) => NotebookCell): void => {
    set((state) => ({ cells: state.cells.map((cell) => (cell.id === cellId ? update(cell) : cell)) }));
  };

  return {
    path: null,
    notebookId: `untitled-${newCellId()}`,
    cells: [],
    metadata: {},
    status: {},
    durations: {},
    selectedId: null,
    dirty: false,
    saving: false,
    savedAt: null,
    conflict: false,
    error: null,
    notice: null,
    variablesOpen: false,
    variables: null,
    inspected: null,

    toggleVariables() {
      const open = !get().variablesOpen;
      set({ variablesOpen: open });
      if (open) void get().loadVariables();
    },

    async loadVariables() {
      try {
        const variables = await workbench().call("notebooks.variables", { notebookId: get().notebookId });
        set({ variables });
      } catch (error) {
        set({ error: `Could not list the variables: ${errorMessage(error)}` });
      }
    },

    async inspect(language, name) {
      try {
        const shown = await workbench().call("notebooks.inspect", { notebookId: get().notebookId, language, name });
        set({ inspected: { language, name, ...shown } });
      } catch (error) {
        set({ error: `Could not inspect ${name}: ${errorMessage(error)}` });
      }
    },

    async loadFiles() {
      try {
        await useWorkspaceFiles.getState().refresh();
      } catch (error) {
        set({ error: `Could not list notebooks: ${errorMessage(error)}` });
      }
    },

    async open(path) {
      if (get().dirty && get().path && !get().conflict) await get().save();
      try {
        const notebook = await workbench().call("notebooks.open", { path });
        set({
          path,
          notebookId: path,
          cells: notebook.cells,
          metadata: notebook.metadata,
          savedAt: notebook.modifiedAt,
          conflict: false,
          status: {},
          durations: {},
          selectedId: notebook.cells[0]?.id ?? null,
          variables: null,
          inspected: null,
          dirty: false,
          error: null,
          notice: null,
        });
      } catch (error) {
        set({ error: `Could not open ${path}: ${errorMessage(error)}` });
      }
    },

    async createNew(name) {
      const clean = name.trim().replace(/\.ipynb$/i, "");
      if (!/^[\w.-]+(\/[\w.-]+)*$/.test(clean)) {
        set({ error: `"${name}" is not a usable file name: use letters, digits, "-", "_" and "/" for folders.` });
        return;
      }
      const path = clean.includes("/") ? `${clean}.ipynb` : `notebooks/${clean}.ipynb`;
      if (workspaceHas(path)) {
        set({ error: `${path} already exists; open it from the list or pick another name.` });
        return;
      }
      const first: NotebookCell = {
        id: newCellId(),
        language: "python",
        source: "",
        executionCount: null,
        outputs: [],
      };
      try {
        await workbench().call("notebooks.save", { path, notebook: { cells: [first], metadata: {} } });
        await get().loadFiles();
        await get().open(path);
      } catch (error) {
        set({ error: `Could not create ${path}: ${errorMessage(error)}` });
      }
    },

    select: (selectedId) => set({ selectedId }),

    editSource(cellId, source) {
      updateCell(cellId, (cell) => ({ ...cell, source }));
      changed();
    },

    setLanguage(cellId, language) {
      const status = get().status[cellId];
      // Markdown has no outputs and no count: what a Python or TypeScript run left would sit under the text, and
      // saving drops it anyway. A cell still running keeps them until its run ends.
      const clear = language === "markdown" && status !== "running" && status !== "queued";
      updateCell(cellId, (cell) => ({ ...cell, language, ...(clear ? { outputs: [], executionCount: null } : {}) }));
      if (clear) set((state) => ({ status: { ...state.status, [cellId]: "idle" } }));
      changed();
    },

    addCell(afterId, language) {
      const cell: NotebookCell = { id: newCellId(), language, source: "", executionCount: null, outputs: [] };
      set((state) => {
        const index = afterId ? state.cells.findIndex((candidate) => candidate.id === afterId) : state.cells.length - 1;
        const cells = [...state.cells];
        cells.splice(index + 1, 0, cell);
        return { cells, selectedId: cell.id };
      });
      changed();
      return cell.id;
    },

    removeCell(cellId) {
      // A deleted cell that is running is stopped: it ran on unseen, holding the worker (queued ones are skipped).
      if (get().status[cellId] === "running") void get().interrupt();
      set((state) => {
        const index = state.cells.findIndex((cell) => cell.id === cellId);
        const cells = state.cells.filter((cell) => cell.id !== cellId);
        return { cells, selectedId: cells[Math.min(index, cells.length - 1)]?.id ?? null };
      });
      changed();
    },

    moveCell(cellId, offset) {
      set((state) => {
        const index = state.cells.findIndex((cell) => cell.id === cellId);
        const target = index + offset;
        if (index < 0 || target < 0 || target >= state.cells.length) return {};
        const cells = [...state.cells];
        const [cell] = cells.splice(index, 1);
        if (cell) cells.splice(target, 0, cell);
        return { cells };
      });
      changed();
    },

    run(cellId) {
      set((state) => ({ status: { ...state.status, [cellId]: "queued" } }));
      // The code as it is now, when the cell is queued (as Jupyter sends it): an edit made while it waits its turn
      // is not what was asked to run (Run All then typing ran a half-typed line).
      const asQueued = get().cells.find((candidate) => candidate.id === cellId);
      const next = runQueue.then(async (): Promise<CellStatus> => {
        const current = get().cells.find((candidate) => candidate.id === cellId);
        if (!current || !asQueued) return "idle";
        const cell = { ...current, language: asQueued.language, source: asQueued.source };
        // A cell queued behind one that failed or was interrupted does not run (Jupyter does the same).
        if (get().status[cellId] !== "queued") return get().status[cellId] ?? "idle";
        if (cell.language === "markdown") {
          // Markdown does not run: "running" it shows it rendered.
          set((state) => ({ status: { ...state.status, [cellId]: "ok" } }));
          return "ok";
        }
        set((state) => ({ status: { ...state.status, [cellId]: "running" } }));
        updateCell(cellId, (current) => ({ ...current, outputs: [] }));
        streaming.set(cellId, new OutputTranscript());
        try {
          const result = await workbench().call("notebooks.run", {
            notebookId: get().notebookId,
            cellId,
            language: cell.language,
            source: cell.source,
          });
          streaming.delete(cellId);
          updateCell(cellId, (current) => ({
            ...current,
            outputs: result.outputs,
            executionCount: result.executionCount,
          }));
          if (get().variablesOpen) void get().loadVariables();
          set((state) => ({
            status: { ...state.status, [cellId]: result.status },
            durations: { ...state.durations, [cellId]: result.durationMs },
          }));
          if (result.status !== "ok") {
            // Stop the rest of the queue.
            set((state) => ({ status: dropQueued(state.status) }));
          }
          changed();
          return result.status;
        } catch (error) {
          streaming.delete(cellId);
          const message = errorMessage(error);
          updateCell(cellId, (current) => ({
            ...current,
            outputs: [
              ...current.outputs,
              { type: "stream", stream: "stderr", text: `The cell could not run: ${message}\n` },
            ],
          }));
          set((state) => ({ status: dropQueued({ ...state.status, [cellId]: "error" }) }));
          return "error";
        }
      });
      runQueue = next.catch(() => undefined);
      return next;
    },

    runAndAdvance(cellId) {
      void get().run(cellId);
      const cells = get().cells;
      const index = cells.findIndex((cell) => cell.id === cellId);
      const following = cells[index + 1];
      if (following) set({ selectedId: following.id });
      else {
        // A code cell, as in Jupyter: after Markdown comes code, in the language of the nearest code cell above.
        const code = cells
          .slice(0, index + 1)
          .reverse()
          .find((cell) => cell.language !== "markdown");
        get().addCell(cellId, code?.language ?? "python");
      }
    },

    async runAll() {
      const runs = get().cells.map((cell) => get().run(cell.id));
      await Promise.all(runs);
    },

    async interrupt() {
      try {
        const { interrupted } = await workbench().call("notebooks.interrupt", { notebookId: get().notebookId });
        set({ notice: interrupted ? "Interrupted the running cell." : "Nothing was running." });
      } catch (error) {
        set({ error: `Could not interrupt: ${errorMessage(error)}` });
      }
    },

    async restart() {
      try {
        await workbench().call("notebooks.restart", { notebookId: get().notebookId });
        set({
          notice: "Restarted: the notebook's Python namespace and TypeScript state are empty. Run the cells again.",
          status: {},
          inspected: null,
        });
        if (get().variablesOpen) void get().loadVariables();
      } catch (error) {
        set({ error: `Could not restart the notebook: ${errorMessage(error)}` });
      }
    },

    save(options = {}) {
      if (autosaveTimer) clearTimeout(autosaveTimer);
      // One save at a time: a second one sent while the first is in flight would name the time the first replaces,
      // and be refused as a conflict with this page's own save.
      const next = saveQueue.then(() => saveNow(options));
      saveQueue = next.catch(() => undefined);
      return next;
    },

    async reload() {
      const { path } = get();
      if (!path) return;
      set({ dirty: false, conflict: false });
      await get().open(path);
    },

    connect(client) {
      return client.on("notebook.output", ({ notebookId, cellId, output }) =>
        get().receiveOutput(notebookId, cellId, output),
      );
    },

    receiveOutput(notebookId, cellId, output) {
      const transcript = streaming.get(cellId);
      if (notebookId !== get().notebookId || get().status[cellId] !== "running" || !transcript) return;
      transcript.add(output);
      changedCells.add(cellId);
      if (paintScheduled) return;
      paintScheduled = true;
      const paint = (): void =>
        void requestAnimationFrame(() => {
          paintScheduled = false;
          lastPaint = performance.now();
          const cells = [...changedCells];
          changedCells.clear();
          set((state) => ({
            cells: state.cells.map((cell) => {
              const kept =
                cells.includes(cell.id) && state.status[cell.id] === "running" ? streaming.get(cell.id) : undefined;
              return kept ? { ...cell, outputs: kept.outputs() } : cell;
            }),
          }));
        });
      const wait = PAINT_INTERVAL_MS - (performance.now() - lastPaint);
      if (wait > 0) setTimeout(paint, wait);
      else paint();
    },
  };
});

import { create } from "zustand";
import type { RunDetailView, RunSummaryView, TrainingEnvironmentView, WorkspaceFile } from "../../api";
import { DisposableStore, type IDisposable } from "../../base";
import { errorMessage, workbench, type WorkbenchClient } from "../../client/workbench-client";
import { filesOfKind, useWorkspaceFiles } from "../../platform/workspace-files";
import type { XAxisKind } from "./chart-data";
import { pastedConfigPath } from "./config-form";
import { appendEvent, appendSeries } from "./live-run";
import { RunsFreshness } from "./runs-snapshot";

export type TrainingTab = "charts" | "runs" | "detail";

export interface InstallState {
  running: boolean;
  progress: number;
  line: string;
  ok: boolean | null;
}

export interface TryItResult {
  runId: string;
  prompt: string;
  adapter: string;
  base: string;
}

interface TrainingState {
  runs: RunSummaryView[];
  /** Runs drawn on the charts (overlay), in the order they were picked. */
  shown: string[];
  /** The run whose status, ETA, events and detail the view shows. */
  focusId: string | null;
  details: Record<string, RunDetailView>;
  /**
   * Bumped per run whenever its series or events grew in place (live-run.ts): select it to redraw on
   * telemetry; the rest of the view does not re-render per tick.
   */
  liveVersion: Record<string, number>;
  /** The workspace file the editor shows; null for text not saved anywhere yet. */
  configPath: string | null;
  configText: string;
  /** The text as last read from or written to configPath (the editor is dirty when they differ). */
  savedText: string;
  runName: string;
  schema: Record<string, unknown> | null;
  xAxis: XAxisKind;
  logScale: boolean;
  smoothing: number;
  tab: TrainingTab;
  newRunOpen: boolean;
  environment: TrainingEnvironmentView | null;
  install: InstallState | null;
  /** Two run ids whose configs the runs table compares. */
  diff: [string, string] | null;
  busy: string | null;
  notice: string | null;
  tryIt: TryItResult | null;
  starting: boolean;
  error: string | null;
  load(): Promise<void>;
  /** Opens a workspace config in the editor; with onlyIfEmpty, only when nothing else was opened meanwhile. */
  openConfig(path: string, onlyIfEmpty?: boolean): Promise<void>;
  setConfigText(text: string): void;
  setRunName(name: string): void;
  save(): Promise<boolean>;
  saveAs(path: string): Promise<boolean>;
  createConfig(path: string, text: string): Promise<void>;
  start(): Promise<void>;
  stop(runId: string): Promise<void>;
  resume(runId: string, checkpoint?: string): Promise<void>;
  exportModel(runId: string, kind: "adapter" | "merged", checkpoint?: string): Promise<void>;
  generate(runId: string, prompt: string): Promise<void>;
  memorySnapshot(runId: string, steps: number): Promise<void>;
  installTraining(): Promise<void>;
  focus(runId: string): Promise<void>;
  toggleShown(runId: string): Promise<void>;
  setDiff(pair: [string, string] | null): Promise<void>;
  setXAxis(mode: XAxisKind): void;
  setLogScale(on: boolean): void;
  setSmoothing(weight: number): void;
  setTab(tab: TrainingTab): void;
  setNewRunOpen(open: boolean): void;
  /** Follows runs, their points and events, and the installer through `client` until disposed. */
  connect(client: WorkbenchClient): IDisposable;
}

/** The run-config files of the shared workspace list. */
export function configFilesOf(files: readonly WorkspaceFile[]): WorkspaceFile[] {
  return filesOfKind(files, "run-config");
}

const sortRuns = (runs: RunSummaryView[]): RunSummaryView[] => [...runs].sort((a, b) => b.createdAt - a.createdAt);

export const useTrainingStore = create<TrainingState>((set, get) => {
  const loadDetail = async (runId: string): Promise<void> => {
    try {
      const detail = await workbench().call("training.run", { runId });
      set((state) => ({ details: { ...state.details, [runId]: detail } }));
    } catch (error) {
      set({ error: `Could not load run ${runId}: ${errorMessage(error)}` });
    }
  };
  const freshness = new RunsFreshness();
  /** Applies a runs list asked for at `mark`, keeping what pushed updates brought since. */
  const takeRuns = (runs: RunSummaryView[], mark: number): void =>
    set((state) => ({ runs: sortRuns(freshness.merge(runs, state.runs, mark)) }));
  const refreshRuns = async (): Promise<void> => {
    const mark = freshness.mark();
    takeRuns(await workbench().call("training.runs", {}), mark);
  };
  const refreshFiles = (): Promise<void> => useWorkspaceFiles.getState().refresh();
  const bump = (runId: string): void =>
    set((state) => ({ liveVersion: { ...state.liveVersion, [runId]: (state.liveVersion[runId] ?? 0) + 1 } }));
  const startRun = async (starter: () => Promise<{ runId: string }>, failure: string): Promise<void> => {
    set({ starting: true, error: null });
    try {
      const { runId } = await starter();
      set((state) => ({ shown: [runId, ...state.shown.filter((id) => id !== runId)], tab: "charts" }));
      await get().focus(runId);
      await refreshRuns();
    } catch (error) {
      set({ error: `${failure}: ${errorMessage(error)}` });
    } finally {
      set({ starting: false });
    }
  };
  return {
    runs: [],
    shown: [],
    focusId: null,
    details: {},
    liveVersion: {},
    configPath: null,
    configText: "",
    savedText: "",
    runName: "",
    schema: null,
    xAxis: "step",
    logScale: false,
    smoothing: 0.6,
    tab: "charts",
    newRunOpen: false,
    environment: null,
    install: null,
    diff: null,
    busy: null,
    notice: null,
    tryIt: null,
    starting: false,
    error: null,

    async load() {
      const client = workbench();
      const mark = freshness.mark();
      const [runs, files, schema, environment] = await Promise.allSettled([
        client.call("training.runs", {}),
        refreshFiles(),
        client.call("training.schema", {}),
        client.call("training.environment", {}),
      ]);
      if (runs.status === "fulfilled") {
        // Settled with the slowest of the four (the environment probe imports torch): runs may have started and
        // ended meanwhile, and their pushed updates are newer than this list.
        takeRuns(runs.value, mark);
        const first = get().runs[0];
        if (!get().focusId && first) await get().focus(first.id);
      } else set({ error: `Could not list training runs: ${errorMessage(runs.reason)}` });
      if (files.status === "fulfilled") {
        const firstConfig = configFilesOf(useWorkspaceFiles.getState().files)[0];
        if (!get().configPath && !get().configText && firstConfig) await get().openConfig(firstConfig.path, true);
      }
      if (schema.status === "fulfilled") set({ schema: schema.value.schema });
      if (environment.status === "fulfilled") set({ environment: environment.value });
    },

    async openConfig(path, onlyIfEmpty = false) {
      try {
        const { text } = await workbench().call("workspace.read", { path });
        // The first config is opened in the background on load; a config the user opened or created meanwhile wins.
        if (onlyIfEmpty && (get().configPath !== null || get().configText !== "")) return;
        set({ configPath: path, configText: text, savedText: text, error: null });
      } catch (error) {
        set({ error: `Could not open ${path}: ${errorMessage(error)}` });
      }
    },

    setConfigText: (configText) => set({ configText }),
    setRunName: (runName) => set({ runName }),

    async save() {
      const { configPath, configText } = get();
      if (configPath === null)
        return get().saveAs(
          pastedConfigPath(
            configText,
            useWorkspaceFiles.getState().files.map((file) => file.path),
          ),
        );
      try {
        await workbench().call("workspace.write", { path: configPath, text: configText });
        set({ savedText: configText, notice: `Saved ${configPath}` });
        return true;
      } catch (error) {
        set({ error: `Could not save ${configPath}: ${errorMessage(error)}` });
        return false;
      }
    },

    async saveAs(path) {
      const { configText } = get();
      try {
        await workbench().call("workspace.write", { path, text: configText });
        set({ configPath: path, savedText: configText, notice: `Saved ${path}` });
        await refreshFiles();
        return true;
      } catch (error) {
        set({ error: `Could not save ${path}: ${errorMessage(error)}` });
        return false;
      }
    },

    async createConfig(path, text) {
      try {
        await workbench().call("workspace.write", { path, text });
        set({ configPath: path, configText: text, savedText: text, newRunOpen: false, notice: `Created ${path}` });
        await refreshFiles();
      } catch (error) {
        set({ error: `Could not create ${path}: ${errorMessage(error)}` });
      }
    },

    async start() {
      if (!get().configText.trim()) {
        set({
          error: "The run config is empty: pick a config, press New run, or write one (the editor completes its keys).",
        });
        return;
      }
      // A pasted config is saved first (so it survives a reload and its relative paths have a folder);
      // an open file is never rewritten by Start: the run keeps a frozen copy of the text it started with.
      if (get().configPath === null && !(await get().save())) return;
      const { configPath, configText, runName } = get();
      await startRun(
        () =>
          workbench().call("training.start", {
            configText,
            name: runName.trim() || undefined,
            configPath: configPath ?? undefined,
          }),
        "Could not start the run",
      );
    },

    async stop(runId) {
      try {
        await workbench().call("training.stop", { runId });
      } catch (error) {
        set({ error: `Could not stop run ${runId}: ${errorMessage(error)}` });
      }
    },

    async resume(runId, checkpoint) {
      await startRun(() => workbench().call("training.resume", { runId, checkpoint }), "Could not resume the run");
    },

    async exportModel(runId, kind, checkpoint) {
      set({ busy: `Exporting the ${kind}…`, error: null });
      try {
        const result = await workbench().call("training.export", { runId, kind, checkpoint });
        set({ notice: `Exported the ${kind} to ${result.path} (${result.files.length} files)` });
      } catch (error) {
        set({ error: `Could not export the ${kind}: ${errorMessage(error)}` });
      } finally {
        set({ busy: null });
      }
    },

    async generate(runId, prompt) {
      set({ busy: "Generating…", error: null });
      try {
        const result = await workbench().call("training.generate", { runId, prompt });
        set({ tryIt: { runId, prompt, ...result } });
      } catch (error) {
        set({ error: `Could not generate: ${errorMessage(error)}` });
      } finally {
        set({ busy: null });
      }
    },

    async memorySnapshot(runId, steps) {
      try {
        const result = await workbench().call("training.memorySnapshot", { runId, steps });
        if (result.requested) set({ notice: result.message });
        else set({ error: `No memory snapshot: ${result.message}` });
      } catch (error) {
        set({ error: `Could not request a memory snapshot: ${errorMessage(error)}` });
      }
    },

    async installTraining() {
      set({ install: { running: true, progress: 0.02, line: "starting the installer…", ok: null }, error: null });
      try {
        const result = await workbench().call("training.install", {});
        set({ install: { running: false, progress: 1, line: result.message, ok: result.ok } });
        if (result.ok) set({ environment: await workbench().call("training.environment", {}) });
      } catch (error) {
        set({ install: { running: false, progress: 1, line: errorMessage(error), ok: false } });
      }
    },

    async focus(runId) {
      set((state) => ({ focusId: runId, shown: state.shown.includes(runId) ? state.shown : [runId, ...state.shown] }));
      await loadDetail(runId);
    },

    async toggleShown(runId) {
      if (get().shown.includes(runId)) {
        set((state) => ({ shown: state.shown.filter((id) => id !== runId) }));
        return;
      }
      set((state) => ({ shown: [...state.shown, runId] }));
      if (!get().details[runId]) await loadDetail(runId);
    },

    async setDiff(pair) {
      set({ diff: pair });
      if (pair === null) return;
      await Promise.all(pair.filter((id) => !get().details[id]).map((id) => loadDetail(id)));
    },

    setXAxis: (xAxis) => set({ xAxis }),
    setLogScale: (logScale) => set({ logScale }),
    setSmoothing: (smoothing) => set({ smoothing }),
    setTab: (tab) => set({ tab }),
    setNewRunOpen: (newRunOpen) => set({ newRunOpen }),

    connect(client) {
      const subscriptions = new DisposableStore();
      subscriptions.add(
        client.on("training.updated", ({ run }) => {
          freshness.updated(run.id);
          set((state) => {
            const known = state.runs.some((candidate) => candidate.id === run.id);
            const runs = known
              ? state.runs.map((candidate) => (candidate.id === run.id ? run : candidate))
              : [run, ...state.runs];
            const detail = state.details[run.id];
            return { runs, details: detail ? { ...state.details, [run.id]: { ...detail, ...run } } : state.details };
          });
          // A run that just ended has checkpoints and a summary the live events built only in part.
          if (run.status !== "running" && run.status !== "created" && get().details[run.id]) void loadDetail(run.id);
        }),
      );
      subscriptions.add(
        client.on("training.points", ({ runId, points }) => {
          const detail = get().details[runId];
          if (!detail) return;
          appendSeries(detail.series, points);
          bump(runId);
        }),
      );
      subscriptions.add(
        client.on("training.event", ({ runId, at, type, payload }) => {
          const detail = get().details[runId];
          if (!detail) return;
          const facts = appendEvent(detail, { at, type, payload });
          if (facts !== null) set((state) => ({ details: { ...state.details, [runId]: { ...detail, ...facts } } }));
          bump(runId);
        }),
      );
      subscriptions.add(
        client.on("training.install", (progress) => {
          set({
            install: { running: !progress.done, progress: progress.progress, line: progress.line, ok: progress.ok },
          });
        }),
      );
      return subscriptions;
    },
  };
});

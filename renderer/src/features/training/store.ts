import { create } from "zustand";
import type { RunDetailView, RunSummaryView, SeriesPoint, WorkspaceFile } from "../../api";
import { errorMessage, workbench } from "../../client/workbench-client";
import type { XAxisMode } from "./chart-series";

interface TrainingState {
  runs: RunSummaryView[];
  /** Runs drawn on the charts (overlay), in the order they were picked. */
  shown: string[];
  /** The run whose status, ETA and events the header shows. */
  focusId: string | null;
  details: Record<string, RunDetailView>;
  configFiles: WorkspaceFile[];
  configPath: string | null;
  configText: string;
  runName: string;
  schema: Record<string, unknown> | null;
  xAxis: XAxisMode;
  logScale: boolean;
  smoothing: number;
  starting: boolean;
  error: string | null;
  load(): Promise<void>;
  openConfig(path: string): Promise<void>;
  setConfigText(text: string): void;
  setRunName(name: string): void;
  start(): Promise<void>;
  stop(runId: string): Promise<void>;
  focus(runId: string): Promise<void>;
  toggleShown(runId: string): Promise<void>;
  setXAxis(mode: XAxisMode): void;
  setLogScale(on: boolean): void;
  setSmoothing(weight: number): void;
  listen(): () => void;
}

function appendPoints(series: Record<string, SeriesPoint[]>, points: Record<string, SeriesPoint[]>): Record<string, SeriesPoint[]> {
  const next = { ...series };
  for (const [name, added] of Object.entries(points)) next[name] = [...(next[name] ?? []), ...added];
  return next;
}

export const useTrainingStore = create<TrainingState>((set, get) => {
  const loadDetail = async (runId: string): Promise<void> => {
    try {
      const detail = await workbench().call("training.run", { runId });
      set((state) => ({ details: { ...state.details, [runId]: detail } }));
    } catch (error) {
      set({ error: `Could not load run ${runId}: ${errorMessage(error)}` });
    }
  };
  return {
    runs: [],
    shown: [],
    focusId: null,
    details: {},
    configFiles: [],
    configPath: null,
    configText: "",
    runName: "",
    schema: null,
    xAxis: "step",
    logScale: false,
    smoothing: 0.6,
    starting: false,
    error: null,

    async load() {
      const client = workbench();
      const [runs, files, schema] = await Promise.allSettled([client.call("training.runs", {}), client.call("workspace.list", {}), client.call("training.schema", {})]);
      if (runs.status === "fulfilled") {
        const sorted = [...runs.value].sort((a, b) => b.createdAt - a.createdAt);
        set({ runs: sorted });
        const first = sorted[0];
        if (!get().focusId && first) await get().focus(first.id);
      } else set({ error: `Could not list training runs: ${errorMessage(runs.reason)}` });
      if (files.status === "fulfilled") {
        const configFiles = files.value.filter((file) => file.kind === "run-config").sort((a, b) => a.path.localeCompare(b.path));
        set({ configFiles });
        const firstConfig = configFiles[0];
        if (!get().configPath && !get().configText && firstConfig) await get().openConfig(firstConfig.path);
      }
      if (schema.status === "fulfilled") set({ schema: schema.value.schema });
    },

    async openConfig(path) {
      try {
        const { text } = await workbench().call("workspace.read", { path });
        set({ configPath: path, configText: text, error: null });
      } catch (error) {
        set({ error: `Could not open ${path}: ${errorMessage(error)}` });
      }
    },

    setConfigText: (configText) => set({ configText }),
    setRunName: (runName) => set({ runName }),

    async start() {
      if (!get().configText.trim()) {
        set({ error: "The run config is empty: open a config from the list or write one (the editor completes its keys)." });
        return;
      }
      set({ starting: true, error: null });
      try {
        const { configPath, configText } = get();
        // Keep the edited config on disk: the run is reproducible from the file the user sees.
        if (configPath) await workbench().call("workspace.write", { path: configPath, text: configText });
        const { runId } = await workbench().call("training.start", { configText, name: get().runName.trim() || undefined });
        set((state) => ({ shown: [runId, ...state.shown.filter((id) => id !== runId)] }));
        await get().focus(runId);
        const runs = await workbench().call("training.runs", {});
        set({ runs: [...runs].sort((a, b) => b.createdAt - a.createdAt) });
      } catch (error) {
        set({ error: `Could not start the run: ${errorMessage(error)}` });
      } finally {
        set({ starting: false });
      }
    },

    async stop(runId) {
      try {
        await workbench().call("training.stop", { runId });
      } catch (error) {
        set({ error: `Could not stop run ${runId}: ${errorMessage(error)}` });
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

    setXAxis: (xAxis) => set({ xAxis }),
    setLogScale: (logScale) => set({ logScale }),
    setSmoothing: (smoothing) => set({ smoothing }),

    listen() {
      const client = workbench();
      const stops = [
        client.on("training.updated", ({ run }) => {
          set((state) => {
            const known = state.runs.some((candidate) => candidate.id === run.id);
            const runs = known ? state.runs.map((candidate) => (candidate.id === run.id ? run : candidate)) : [run, ...state.runs];
            const detail = state.details[run.id];
            return { runs, details: detail ? { ...state.details, [run.id]: { ...detail, ...run } } : state.details };
          });
        }),
        client.on("training.points", ({ runId, points }) => {
          set((state) => {
            const detail = state.details[runId];
            if (!detail) return {};
            return { details: { ...state.details, [runId]: { ...detail, series: appendPoints(detail.series, points) } } };
          });
        }),
        client.on("training.event", ({ runId, at, type, payload }) => {
          set((state) => {
            const detail = state.details[runId];
            if (!detail) return {};
            return { details: { ...state.details, [runId]: { ...detail, events: [...detail.events, { at, type, payload }] } } };
          });
        }),
      ];
      return () => stops.forEach((stop) => stop());
    },
  };
});

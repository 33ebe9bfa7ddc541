// The Workbench API: every request the UI makes and every event the host pushes.
// One contract, carried by Electron IPC or by WebSocket; neither side knows which.
import type { CachedLibraryView, LibraryView } from "./library-view.js";
import type { CellOutput, PythonErrorView } from "./values-view.js";

// -- host ----------------------------------------------------------------------------------------

export interface HostStatus {
  /** "ready" once the pool is up; "starting" before; "failed" with `error` when it could not start. */
  state: "starting" | "ready" | "failed";
  error: string | null;
  interpreter: { executable: string; version: string; source: string } | null;
  pool: PoolView;
  hostVersion: string;
  /** "electron" or "web": informational only (the renderer must not branch on it for features). */
  transport: "electron" | "web";
  /** Folder where manifests, notebooks and runs live. */
  workspaceDir: string;
}

// -- workers -------------------------------------------------------------------------------------

export interface WorkerView {
  id: string;
  pid: number;
  generation: number;
  state: "starting" | "idle" | "busy" | "stopping" | "crashed";
  callsTotal: number;
  inFlight: number;
  restarts: number;
  sessions: string[];
  startedAt: number;
  rssBytes: number | null;
  lastError: string | null;
}

export interface PoolView {
  size: number;
  queued: number;
  workers: WorkerView[];
}

// -- manifests -----------------------------------------------------------------------------------

export interface ManifestDiagnostic {
  severity: "error" | "warning";
  message: string;
  /** 1-based; 0 when the problem has no position (e.g. a missing package). */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** Dotted key path, e.g. "integrations[0].entrypoints[2]". */
  path: string;
}

export interface GeneratedFileView {
  /** Path relative to the output folder, e.g. "numpy/index.ts". */
  path: string;
  content: string;
}

export interface GenerateResult {
  ok: boolean;
  diagnostics: ManifestDiagnostic[];
  files: GeneratedFileView[];
  /** Where the files were written (absolute), or null when not written. */
  outputDir: string | null;
  coverage: { total: number; recovered: number };
}

export interface SignatureChangeView {
  path: string;
  change: "added" | "removed" | "changed";
  before: string | null;
  after: string | null;
}

export interface ManifestDiffResult {
  equal: boolean;
  changes: SignatureChangeView[];
  diagnostics: ManifestDiagnostic[];
}

export interface WorkspaceFile {
  /** Path relative to the workspace folder. */
  path: string;
  kind: "manifest" | "notebook" | "run-config" | "other";
  modifiedAt: number;
}

// -- notebooks -----------------------------------------------------------------------------------

export type CellLanguage = "python" | "typescript";

export interface NotebookCell {
  id: string;
  language: CellLanguage;
  source: string;
  executionCount: number | null;
  outputs: CellOutput[];
}

export interface NotebookDocument {
  cells: NotebookCell[];
  /** nbformat metadata carried through open/save untouched. */
  metadata: Record<string, unknown>;
}

export interface CellRunResult {
  status: "ok" | "error" | "interrupted";
  executionCount: number | null;
  outputs: CellOutput[];
  durationMs: number;
}

// -- training ------------------------------------------------------------------------------------

export type RunStatus = "created" | "running" | "completed" | "stopped" | "failed" | "interrupted";

export interface RunSummaryView {
  id: string;
  name: string;
  status: RunStatus;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  /** Last known step, loss and ETA (seconds) for list views. */
  step: number | null;
  loss: number | null;
  etaS: number | null;
}

export interface SeriesPoint {
  step: number | null;
  at: number;
  value: number;
}

export interface RunDetailView extends RunSummaryView {
  configText: string;
  /** Every series the run has: loss, learning_rate, grad_norm, eval_loss, tokens_per_s, gpu0.memory_used, host.rss ... */
  series: Record<string, SeriesPoint[]>;
  events: { at: number; type: string; payload: Record<string, unknown> }[];
  error: PythonErrorView | null;
}

// -- the contract --------------------------------------------------------------------------------

/** Every request: its params and its result. */
export interface WorkbenchRequests {
  "host.status": { params: Record<string, never>; result: HostStatus };

  "libraries.describe": { params: { module: string; depth?: number; includePrivate?: boolean; refresh?: boolean }; result: LibraryView };
  "libraries.cached": { params: Record<string, never>; result: CachedLibraryView[] };

  "workspace.list": { params: Record<string, never>; result: WorkspaceFile[] };
  "workspace.read": { params: { path: string }; result: { path: string; text: string } };
  /** Atomic write (temp file + rename). */
  "workspace.write": { params: { path: string; text: string }; result: { path: string; modifiedAt: number } };

  "manifests.schema": { params: Record<string, never>; result: { schema: Record<string, unknown> } };
  "manifests.validate": { params: { text: string; path?: string }; result: { diagnostics: ManifestDiagnostic[] } };
  /** Entrypoint locators known from cached descriptors, for autocomplete ("numpy.linspace", "collections.Counter"). */
  "manifests.completions": { params: { prefix: string; limit?: number }; result: { items: { label: string; kind: "module" | "function" | "class" | "method"; detail: string }[] } };
  "manifests.generate": { params: { text: string; path?: string; write: boolean }; result: GenerateResult };
  "manifests.diff": { params: { text: string; path?: string }; result: ManifestDiffResult };

  "notebooks.open": { params: { path: string }; result: NotebookDocument };
  "notebooks.save": { params: { path: string; notebook: NotebookDocument }; result: { path: string; modifiedAt: number } };
  /** Runs one cell; outputs also stream as "notebook.output" events while it runs. */
  "notebooks.run": { params: { notebookId: string; cellId: string; language: CellLanguage; source: string }; result: CellRunResult };
  "notebooks.interrupt": { params: { notebookId: string }; result: { interrupted: boolean } };
  /** Forgets the notebook's Python namespace and TypeScript state. */
  "notebooks.restart": { params: { notebookId: string }; result: Record<string, never> };

  "console.eval": { params: { session: string; code: string }; result: CellRunResult };
  "console.interrupt": { params: { session: string }; result: { interrupted: boolean } };
  /** Whether `code` is a complete statement (false: the console asks for another line). */
  "console.isComplete": { params: { code: string }; result: { complete: boolean } };

  "workers.list": { params: Record<string, never>; result: PoolView };
  "workers.restart": { params: { workerId: string }; result: Record<string, never> };
  "workers.kill": { params: { workerId: string }; result: Record<string, never> };
  /** The worker's recent stdout/stderr (what user code printed), newest last. */
  "workers.log": { params: { workerId: string }; result: { text: string } };

  "training.schema": { params: Record<string, never>; result: { schema: Record<string, unknown> } };
  "training.start": { params: { configText: string; name?: string }; result: { runId: string } };
  "training.stop": { params: { runId: string }; result: { stopping: boolean } };
  "training.runs": { params: Record<string, never>; result: RunSummaryView[] };
  "training.run": { params: { runId: string }; result: RunDetailView };
}

/** Every event the host pushes. */
export interface WorkbenchEvents {
  "host.status": HostStatus;
  "pool.changed": PoolView;
  "worker.output": { workerId: string; stream: "stdout" | "stderr"; text: string };
  "notebook.output": { notebookId: string; cellId: string; output: CellOutput };
  "console.output": { session: string; output: CellOutput };
  "training.updated": { run: RunSummaryView };
  /** New points for a run's series (metrics per log step, telemetry per sample). */
  "training.points": { runId: string; points: Record<string, SeriesPoint[]> };
  "training.event": { runId: string; at: number; type: string; payload: Record<string, unknown> };
}

export type RequestName = keyof WorkbenchRequests;
export type EventName = keyof WorkbenchEvents;
export type RequestParams<K extends RequestName> = WorkbenchRequests[K]["params"];
export type RequestResult<K extends RequestName> = WorkbenchRequests[K]["result"];

/** A failed request, as both transports carry it. */
export interface ApiErrorPayload {
  /**
   * Stable code: "bad_request", "not_found", "forbidden" (a path that resolves outside the workspace,
   * symlinks followed), "python_error", "unauthorized", "internal", "cancelled".
   */
  code: string;
  message: string;
  python?: PythonErrorView;
}

/** A request that failed on the host. */
export class ApiError extends Error {
  readonly code: string;
  readonly python: PythonErrorView | undefined;

  constructor(payload: ApiErrorPayload) {
    super(payload.message);
    this.name = "ApiError";
    this.code = payload.code;
    this.python = payload.python;
  }
}

/** Stops a subscription. */
export type Unsubscribe = () => void;

/** What a transport provides: requests with cancellation, and event subscriptions. */
export interface WorkbenchChannel {
  request<K extends RequestName>(method: K, params: RequestParams<K>, signal?: AbortSignal): Promise<RequestResult<K>>;
  subscribe<E extends EventName>(event: E, listener: (payload: WorkbenchEvents[E]) => void): Unsubscribe;
  /** Connection state, for the status bar. */
  onConnectionChange(listener: (state: "connecting" | "open" | "closed") => void): Unsubscribe;
}

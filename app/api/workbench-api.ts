// The Workbench API: every request the UI makes and every event the host pushes.
// One contract, carried by Electron IPC or by WebSocket; neither side knows which.
// Types only: the training contract's generated module is plain data, and `import type` leaves no code behind.
import type { RunStatus, SeriesPoint } from "../../proto/generated/snakebridge/v1/training.js";
import type { CachedLibraryView, LibraryView } from "./library-view.js";
import type { CellOutput, PythonErrorView, RichValue } from "./values-view.js";

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
  /** Enforce mode (`serve --allow`): only these manifests' entrypoints run; notebooks, the console and Eval are off. */
  enforce?: { manifests: string[] };
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
  /** Where a Ray actor worker runs ("hostname (node ip)"); absent for a local worker. */
  node?: string;
  /** The pool the worker belongs to ("default", or an integration environment's pool); absent from older hosts. */
  pool?: string;
}

/** One worker pool of a host that runs several (one per integration environment, `serve --allow`). */
export interface PoolGroupView {
  /** "default", or the environment's integrations joined by "+" (e.g. "sbalpha"). */
  name: string;
  /** Integration modules whose calls this pool runs; empty for the default pool. */
  integrations: string[];
  /** The pool's interpreter (an environment's virtualenv python). */
  python: string;
  size: number;
  queued: number;
}

export interface PoolView {
  /** Workers across all pools (the sum of each pool's size). */
  size: number;
  queued: number;
  workers: WorkerView[];
  /** Present only when the host runs more than one pool; each worker's `pool` names its entry. */
  pools?: PoolGroupView[];
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

/** Markdown cells are text: they render, and never run. */
export type CellLanguage = "python" | "typescript" | "markdown";

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

/** One variable of a notebook's Python namespace or TypeScript scope (the Variables panel). */
export interface VariableView {
  name: string;
  /** The Python type ("numpy.ndarray") or the TypeScript kind ("number", "Array", "NDArray"). */
  type: string;
  /** "3×4" for arrays, the length for sequences and strings, "" otherwise. */
  shape: string;
  /** Bytes (nbytes for arrays; an estimate elsewhere). */
  size: number;
  preview: string;
}

/** A host tool as Python's tools.list() returns it (the MCP tool shape). */
export interface ToolView {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

/** Completions at a cursor: each item replaces the text from `start` (a character offset) to the cursor. */
export interface CompletionView {
  start: number;
  items: { label: string; kind: string; detail: string }[];
  /** "jedi" (source and live objects) or "rlcompleter" (live objects only). */
  engine: string;
}

/** The documentation of the name under the cursor. */
export interface HoverView {
  name: string;
  signature: string;
  doc: string;
}

export interface CellRunResult {
  status: "ok" | "error" | "interrupted";
  executionCount: number | null;
  outputs: CellOutput[];
  durationMs: number;
}

// -- training ------------------------------------------------------------------------------------

/** A run's status and its series' points are defined in proto/snakebridge/v1/training.proto. */
export type { RunStatus, SeriesPoint };

export interface TrainingEnvironmentView {
  /** Python packages the training extra provides that the worker cannot import. */
  missing: string[];
  /** The command that installs them (what the Install button runs). */
  installCommand: string;
  /** Whether the host can run the installer (a source checkout with scripts/setup-python.mjs). */
  canInstall: boolean;
}

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
  /** The lowest logged training loss. */
  bestLoss: number | null;
  /** Steps the run trains to (from its started event), for progress and the x axis while live. */
  maxSteps: number | null;
  /** Median training throughput over the run. */
  tokensPerS: number | null;
  /** Key hyperparameters for the runs table: model, learning_rate, batch_size, lora.r, ... */
  params: Record<string, string | number | null>;
}

export interface RunCheckpointView {
  step: number;
  path: string;
}

/** One training event as the API shows it: its type (a TrainingEvent case of training.proto) and its other fields. */
export interface RunEventView {
  at: number;
  type: string;
  payload: Record<string, unknown>;
}

export interface RunDetailView extends RunSummaryView {
  /** The config exactly as it was when the run started (a frozen copy; editing the file later does not change it). */
  configText: string;
  /** The resolved config the worker trained with (defaults filled, paths absolute), for config diffs. */
  config: Record<string, unknown>;
  /** The run's own output folder (<output_dir>/<name>-<id>), once known. */
  runDir: string | null;
  /** Checkpoints the run saved, oldest first; any of them can be resumed from. */
  checkpoints: RunCheckpointView[];
  /** Every series the run has: loss, learning_rate, grad_norm, eval_loss, tokens_per_s, gpu0.memory_used, host.rss ... */
  series: Record<string, SeriesPoint[]>;
  events: RunEventView[];
  error: PythonErrorView | null;
}

// -- the contract --------------------------------------------------------------------------------

/** Every request: its params and its result. */
export interface WorkbenchRequests {
  "host.status": { params: Record<string, never>; result: HostStatus };

  "libraries.describe": {
    params: { module: string; depth?: number; includePrivate?: boolean; refresh?: boolean };
    result: LibraryView;
  };
  "libraries.cached": { params: Record<string, never>; result: CachedLibraryView[] };

  "workspace.list": { params: Record<string, never>; result: WorkspaceFile[] };
  "workspace.read": { params: { path: string }; result: { path: string; text: string } };
  /** Atomic write (temp file + rename). */
  "workspace.write": { params: { path: string; text: string }; result: { path: string; modifiedAt: number } };

  "manifests.schema": { params: Record<string, never>; result: { schema: Record<string, unknown> } };
  "manifests.validate": { params: { text: string; path?: string }; result: { diagnostics: ManifestDiagnostic[] } };
  /** Entrypoint locators known from cached descriptors, for autocomplete ("numpy.linspace", "collections.Counter"). */
  /**
   * Entrypoint names. With `module` (an integration's import name): names as the manifest writes them, relative to
   * it, or the methods of `className`, each with its signature (`detail`) and first doc paragraph; without: dotted
   * names from every cached descriptor.
   */
  "manifests.completions": {
    params: { prefix: string; limit?: number; module?: string; className?: string };
    result: {
      items: {
        label: string;
        kind: "module" | "function" | "class" | "method";
        detail: string;
        documentation?: string;
      }[];
    };
  };
  "manifests.generate": { params: { text: string; path?: string; write: boolean }; result: GenerateResult };
  "manifests.diff": { params: { text: string; path?: string }; result: ManifestDiffResult };

  /** The notebook, and its file's modification time (what a save names as `expectedModifiedAt`). */
  "notebooks.open": { params: { path: string }; result: NotebookDocument & { modifiedAt: number } };
  /**
   * Saves a notebook. With `expectedModifiedAt` (the time `open` or the last save gave), a file saved since by
   * anyone else (another tab, another program) is not overwritten: the save fails with code "conflict".
   */
  "notebooks.save": {
    params: { path: string; notebook: NotebookDocument; expectedModifiedAt?: number };
    result: { path: string; modifiedAt: number };
  };
  /** Runs one cell; outputs also stream as "notebook.output" events while it runs. */
  "notebooks.run": {
    params: { notebookId: string; cellId: string; language: CellLanguage; source: string };
    result: CellRunResult;
  };
  "notebooks.interrupt": { params: { notebookId: string }; result: { interrupted: boolean } };
  /** Forgets the notebook's Python namespace and TypeScript state. */
  "notebooks.restart": { params: { notebookId: string }; result: Record<string, never> };
  /**
   * The notebook's variables: its Python namespace, its TypeScript cells' top-level scope, and the session state the
   * host keeps for it (bridge.state(notebookId), snakebridge_worker.state), which survives worker crashes.
   */
  "notebooks.variables": {
    params: { notebookId: string };
    result: { python: VariableView[]; typescript: VariableView[]; state: VariableView[] };
  };
  /** One variable's value for display (click in the Variables panel). */
  "notebooks.inspect": {
    params: { notebookId: string; language: CellLanguage; name: string };
    result: { value: RichValue | null; repr: string };
  };
  /** Python completions at `cursor` (a character offset into `code`), from the notebook's live namespace. */
  "notebooks.complete": { params: { notebookId: string; code: string; cursor: number }; result: CompletionView };
  /** The docs of the Python name under `cursor`; null when there is none. */
  "notebooks.hover": {
    params: { notebookId: string; code: string; cursor: number };
    result: { hover: HoverView | null };
  };

  "console.eval": { params: { session: string; code: string }; result: CellRunResult };
  "console.interrupt": { params: { session: string }; result: { interrupted: boolean } };
  /** Whether `code` is a complete statement (false: the console asks for another line). */
  "console.isComplete": { params: { code: string }; result: { complete: boolean } };
  /** Tab completion in the console session's live namespace. */
  "console.complete": { params: { session: string; code: string; cursor: number }; result: CompletionView };

  "workers.list": { params: Record<string, never>; result: PoolView };
  "workers.restart": { params: { workerId: string }; result: Record<string, never> };
  "workers.kill": { params: { workerId: string }; result: Record<string, never> };
  /** The worker's recent stdout/stderr (what user code printed), newest last. */
  "workers.log": { params: { workerId: string }; result: { text: string } };
  /** The host tools workers may call (bridge.tools.register), in the MCP tool shape. */
  "workers.tools": { params: Record<string, never>; result: { tools: ToolView[] } };

  "training.schema": { params: Record<string, never>; result: { schema: Record<string, unknown> } };
  /** configPath (workspace-relative): relative paths in the config resolve against its folder; the file is never rewritten. */
  "training.start": { params: { configText: string; name?: string; configPath?: string }; result: { runId: string } };
  /** A new run continuing from one of runId's checkpoints (default: its latest), in its own folder. */
  "training.resume": { params: { runId: string; checkpoint?: string }; result: { runId: string } };
  /** Exports a run's adapter or merged model (default folder: <run dir>/export-<kind>). */
  "training.export": {
    params: { runId: string; kind: "adapter" | "merged"; checkpoint?: string };
    result: { kind: string; path: string; files: string[] };
  };
  /** The first rows of a JSONL dataset in the workspace, for the new-run form's preview. */
  "training.preview": {
    params: { path: string; limit?: number };
    result: { rows: Record<string, unknown>[]; total: number; error: string | null };
  };
  /** Whether the worker can train: which of torch/transformers/peft are missing, and whether CUDA is there. */
  "training.environment": { params: Record<string, never>; result: TrainingEnvironmentView };
  /** Installs the training extra on the host (node scripts/setup-python.mjs --extra training); progress arrives as "training.install" events. */
  "training.install": { params: Record<string, never>; result: { ok: boolean; message: string } };
  /** Asks a live CUDA run to record allocator history for `steps` steps and save a memory_viz pickle in its run folder. */
  "training.memorySnapshot": {
    params: { runId: string; steps: number };
    result: { requested: boolean; message: string };
  };
  /** Generates text from a prompt with a run's trained adapter and with the base model alone. */
  "training.generate": {
    params: { runId: string; prompt: string; maxNewTokens?: number };
    result: { adapter: string; base: string };
  };
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
  "training.event": RunEventView & { runId: string };
  /** Progress of "training.install": a line of the installer's output, a fraction done, and the end. */
  "training.install": { line: string; progress: number; done: boolean; ok: boolean | null };
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

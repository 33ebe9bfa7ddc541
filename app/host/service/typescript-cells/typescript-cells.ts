// Runs TypeScript notebook cells in the host process.
//
// Trust model: a TypeScript cell is the user's own code, run on the user's own machine with the host's
// privileges — exactly like a cell in a Jupyter kernel. There is no sandbox and none is pretended: the
// type check is a help, not a security boundary. What makes this acceptable is who can submit cells: only
// the Electron window (validated IPC sender) or a browser holding the per-start token of `snakebridge serve`,
// which listens on 127.0.0.1 by default. Anyone who can run cells can already run Python in the workers.
import type { CellRunResult } from "../../../api/workbench-api.js";
import type { CellOutput } from "../../../api/values-view.js";
import type { PythonBridge } from "../../../bridge/index.js";
import { describeError } from "../../../base/index.js";
import { errorViewOf } from "../convert/python-error-view.js";
import { withoutWorkerFrames } from "../python-cells.js";
import type { TypeScriptCellRunner } from "../features/notebooks.js";
import type { WorkspaceFolder } from "../workspace-folder.js";
import { cellConsole } from "./cell-console.js";
import { CellChecker } from "./cell-checker.js";
import { CellSyntaxError, LOOP_GUARD, transformCell } from "./cell-transform.js";
import { cellTimers, TIMER_NAMES, type CellTimers } from "./cell-timers.js";
import {
  BLOCK_LIMIT_ENV,
  CellBlockedError,
  blockLimitMs,
  installGuardErrorNet,
  loopTurn,
  runAsCell,
  type CellRun,
} from "./loop-guard.js";
import { jsResult } from "./js-rich-value.js";
import { NotebookScope } from "./notebook-scope.js";
import {
  pyDeclarations,
  parseGlobalTypes,
  pyNamespace,
  pyNamesIn,
  pySession,
  type PyGlobalType,
} from "./py-namespace.js";
import { OutputCoalescer } from "../output-coalescer.js";
import { PyHandle, PythonError, type PyValue } from "../../../bridge/index.js";
import { generatedClasses, type GeneratedClass } from "./generated-classes.js";
import { runtimeModuleUrl } from "./runtime-module.js";
import { SdkLoader } from "./sdk-loader.js";

type RuntimeModule = typeof import("../../../integration/runtime/index.js");
type CellFunction = (
  load: (specifier: string) => Promise<unknown>,
  console: unknown,
  scope: Record<string, unknown>,
  py: unknown,
  cell: { turn: () => void; timers: CellTimers },
) => Promise<unknown>;

/** A cell run that can be stopped from outside: interrupted, its timers cleared (all of them, on restart). */
interface StoppableRun extends CellRun {
  stop(options?: { everything: boolean }): void;
}

/**
 * A failure in a TypeScript cell for display: Python errors without the worker's frames, JavaScript errors with the
 * cell's own frames ("at g (cell)") and those of workspace modules, not the host's.
 */
function cellErrorView(error: unknown): ReturnType<typeof errorViewOf> {
  const view = errorViewOf(error);
  if (error instanceof PythonError) return { ...view, traceback: withoutWorkerFrames(view.traceback) };
  const frames = view.traceback
    .split("\n")
    .slice(1)
    .flatMap((line) => {
      const cellFrame = /^\s*at (?:Object\.)?([^\s(]+)? ?\(?eval at .*<anonymous>/.exec(line);
      if (cellFrame) return [`    at ${cellFrame[1] && cellFrame[1] !== "eval" ? `${cellFrame[1]} ` : ""}(cell)`];
      return line.includes("/.snakebridge/ts-build/") ? [line] : [];
    });
  return { ...view, traceback: frames.length ? [`${view.type}: ${view.message}`, ...frames].join("\n") : "" };
}

/** Async functions have no global constructor name; this is how to reach it. */
const AsyncFunction = Object.getPrototypeOf(async () => undefined).constructor as new (
  ...args: string[]
) => CellFunction;

/** Runs TypeScript cells one at a time (the SDK runtime is process-wide), each bound to the host's bridge. */
export class TypeScriptCells implements TypeScriptCellRunner {
  readonly #checkers = new Map<string, CellChecker>();
  readonly #scopes = new Map<string, NotebookScope>();
  readonly #running = new Map<string, AbortController>();
  /** Execution counts per notebook, like a kernel's: a cell that runs gets the next one; restart starts over. */
  readonly #counts = new Map<string, number>();
  readonly #loader: SdkLoader;
  #queue: Promise<unknown> = Promise.resolve();
  readonly #bridge: PythonBridge;
  readonly #workspace: WorkspaceFolder;
  readonly #blockLimitMs: number;
  /**
   * Each notebook's runs whose code may still be running (a timer, an un-awaited async function): restart stops
   * them. Weak: a run is reachable from its code's timers and promises only while that code lives.
   */
  readonly #runs = new Map<string, Set<WeakRef<StoppableRun>>>();

  /** `blockLimitMs`: how long a cell's loop may hold the event loop (default $SNAKEBRIDGE_TS_CELL_BLOCK_S, 10 s). */
  constructor(bridge: PythonBridge, workspace: WorkspaceFolder, options: { blockLimitMs?: number } = {}) {
    this.#bridge = bridge;
    this.#workspace = workspace;
    this.#blockLimitMs = options.blockLimitMs ?? blockLimitMs(process.env[BLOCK_LIMIT_ENV]);
    installGuardErrorNet();
    this.#loader = new SdkLoader(workspace.root);
  }

  /** Type-checks the cell, then runs it; outputs stream through `onOutput`. */
  run(
    notebookId: string,
    source: string,
    onOutput: (output: CellOutput) => void,
    signal: AbortSignal,
  ): Promise<CellRunResult> {
    const turn = this.#queue.then(() => this.#run(notebookId, source, onOutput, signal));
    this.#queue = turn.catch(() => undefined);
    return turn;
  }

  async #run(
    notebookId: string,
    source: string,
    onOutput: (output: CellOutput) => void,
    signal: AbortSignal,
  ): Promise<CellRunResult> {
    const started = performance.now();
    const coalescer = new OutputCoalescer(onOutput);
    const push = (output: CellOutput): void => coalescer.push(output);
    let executionCount: number | null = null;
    const done = (status: CellRunResult["status"]): CellRunResult => ({
      status,
      executionCount,
      outputs: coalescer.outputs(),
      durationMs: Math.round(performance.now() - started),
    });
    // Cancelled while it waited for its turn (cells run one at a time): it never starts.
    if (signal.aborted) return done("interrupted");
    const scope = this.scope(notebookId);

    let checker = this.#checkers.get(notebookId);
    if (!checker) {
      checker = new CellChecker(this.#workspace.root);
      this.#checkers.set(notebookId, checker);
    }
    let pyTypes: Record<string, PyGlobalType>;
    try {
      pyTypes = await this.#pyTypes(notebookId, source, signal);
    } catch (error) {
      // The cell names py globals whose types the worker could not give (busy, crashed): say so in the cell.
      push({ type: "error", error: cellErrorView(error) });
      return done("error");
    }
    const classes = await this.#classesFor(pyTypes);
    const classTypes = new Map<string, string>();
    for (const [name, info] of Object.entries(pyTypes)) {
      const generated = classes.get(info.pythonType);
      if (generated && info.type === "PyHandle")
        classTypes.set(name, `import(${JSON.stringify(generated.specifier)}).${generated.exportName}`);
    }
    const { diagnostics, declarations } = checker.check(
      source,
      `${scope.declarationText()}\n${pyDeclarations(pyTypes, classTypes)}`,
    );
    if (diagnostics.length > 0) {
      push({ type: "diagnostics", diagnostics });
      return done("error");
    }
    let cell: CellFunction;
    try {
      const transformed = transformCell(source);
      // Not strict: `with` is what lets every cell's top-level names live in the one scope object.
      cell = new AsyncFunction(
        "__import__",
        "console",
        "__scope__",
        "py",
        "__cell__",
        // Bound inside the block, so the cell's code finds them lexically: looked up through `with` on every loop
        // turn, the guard made a tight loop in a cell's function ~50 times slower. One line, so lines keep their numbers.
        `with (__scope__) { const ${LOOP_GUARD} = __cell__.turn; let { ${TIMER_NAMES.join(", ")} } = __cell__.timers;\n${transformed.body}\n}`,
      );
      scope.declare(transformed.declared);
      scope.setDeclarations(declarations);
    } catch (error) {
      if (error instanceof CellSyntaxError) {
        push({
          type: "diagnostics",
          diagnostics: [{ line: error.line, column: error.column, message: error.message }],
        });
        return done("error");
      }
      throw error;
    }

    executionCount = (this.#counts.get(notebookId) ?? 0) + 1;
    this.#counts.set(notebookId, executionCount);
    const controller = new AbortController();
    const onAbort = (): void => controller.abort();
    signal.addEventListener("abort", onAbort, { once: true });
    this.#running.set(notebookId, controller);
    const runtimeModule = (await import(runtimeModuleUrl)) as RuntimeModule;
    const binding = runtimeModule.installRuntime(
      runtimeModule.createRuntime(this.#bridge, { sessionId: `ts:${notebookId}`, signal: controller.signal }),
    );
    const console = cellConsole((stream, text) => push({ type: "stream", stream, text }));
    const interrupted = new Promise<"interrupted">((resolve) => {
      if (controller.signal.aborted) resolve("interrupted");
      controller.signal.addEventListener("abort", () => resolve("interrupted"), { once: true });
    });
    /** Tells of an error in code the cell left running: on its stderr while it runs, on the host's after. */
    const tell = (text: string): void => {
      if (this.#running.get(notebookId) === controller) push({ type: "stream", stream: "stderr", text });
      else console.error(`snakebridge: ${text}`);
    };
    const timers = cellTimers((error) => {
      tell(
        error instanceof CellBlockedError
          ? `a timer of this cell was stopped: ${error.message}\n`
          : `a timer callback of this cell failed: ${describeError(error)}\n`,
      );
    });
    const run: StoppableRun = {
      interrupted: false,
      limitMs: this.#blockLimitMs,
      report: (error) =>
        tell(
          error instanceof CellBlockedError
            ? `a loop of this cell was stopped: ${error.message}\n`
            : `code this cell left running failed, and nothing caught it: ${describeError(error)}\n`,
        ),
      stop(options) {
        this.interrupted = true;
        if (options?.everything === true) timers.stopAll();
        else timers.stopIntervals();
      },
    };
    if (controller.signal.aborted) run.stop();
    else controller.signal.addEventListener("abort", () => run.stop(), { once: true });
    this.#remember(notebookId, run);
    try {
      // Pure JavaScript cannot be preempted; an interrupt ends the wait, pending Python calls are cancelled, and the
      // cell's loops stop at their next turn (loop-guard.ts).
      const py = pyNamespace(pySession(this.#bridge, notebookId, controller.signal), (value) =>
        this.#wrap(value, classes),
      );
      const body = runAsCell(run, () =>
        cell((specifier) => this.#loader.load(specifier), console, scope.values, py, { turn: loopTurn, timers }),
      );
      const outcome = await Promise.race([body.then((value) => ({ value })), interrupted]);
      if (outcome === "interrupted") return done("interrupted");
      if (outcome.value !== undefined) push({ type: "result", executionCount, ...jsResult(outcome.value) });
      return done("ok");
    } catch (error) {
      push({ type: "error", error: cellErrorView(error) });
      return done(controller.signal.aborted ? "interrupted" : "error");
    } finally {
      binding.dispose();
      signal.removeEventListener("abort", onAbort);
      if (this.#running.get(notebookId) === controller) this.#running.delete(notebookId);
    }
  }

  #remember(notebookId: string, run: StoppableRun): void {
    let runs = this.#runs.get(notebookId);
    if (!runs) this.#runs.set(notebookId, (runs = new Set()));
    for (const ref of runs) if (ref.deref() === undefined) runs.delete(ref);
    runs.add(new WeakRef(run));
  }

  /** Stops what the notebook's cells left running: their loops end at their next turn, their intervals are cleared. */
  #stopRuns(notebookId: string): void {
    for (const ref of this.#runs.get(notebookId) ?? []) ref.deref()?.stop({ everything: true });
    this.#runs.delete(notebookId);
  }

  /** The notebook's TypeScript scope (created empty on first use). */
  scope(notebookId: string): NotebookScope {
    let scope = this.#scopes.get(notebookId);
    if (!scope) {
      scope = new NotebookScope();
      this.#scopes.set(notebookId, scope);
    }
    return scope;
  }

  /** The generated classes of the workspace, looked up only when a `py` global is a live object. */
  async #classesFor(types: Record<string, PyGlobalType>): Promise<Map<string, GeneratedClass>> {
    if (!Object.values(types).some((info) => info.type === "PyHandle" && info.kind === "value")) return new Map();
    return generatedClasses(this.#workspace.root);
  }

  /** A handle of a class a generated SDK wraps becomes that class (what the checker typed it as). */
  async #wrap(value: PyValue, classes: ReadonlyMap<string, GeneratedClass>): Promise<unknown> {
    const generated = value instanceof PyHandle ? classes.get(value.pythonType) : undefined;
    if (!generated || !(value instanceof PyHandle)) return value;
    const module = await this.#loader.load(generated.specifier);
    const wrapper =
      module !== null && typeof module === "object"
        ? (module as Record<string, unknown>)[generated.exportName]
        : undefined;
    const fromHandle =
      wrapper !== null && typeof wrapper === "function" ? (wrapper as { fromHandle?: unknown }).fromHandle : undefined;
    return typeof fromHandle === "function"
      ? (fromHandle as (handle: PyHandle) => unknown).call(wrapper, value)
      : value;
  }

  /** Types of the Python globals the cell names as `py.NAME`, from their live values. */
  async #pyTypes(notebookId: string, source: string, signal: AbortSignal): Promise<Record<string, PyGlobalType>> {
    const names = pyNamesIn(source);
    if (names.length === 0) return {};
    const types = await this.#bridge.call(
      "snakebridge_worker.notebook_scope.types_of",
      [notebookId, names],
      {},
      { session: notebookId, affinity: "strict", signal, timeoutMs: 30_000 },
    );
    return parseGlobalTypes(types);
  }

  /** Interrupts the notebook's running TypeScript cell. */
  interrupt(notebookId: string): boolean {
    const controller = this.#running.get(notebookId);
    if (!controller) return false;
    controller.abort();
    return true;
  }

  /** Forgets the notebook's type-checker state and scope, and stops what its cells left running. */
  reset(notebookId: string): void {
    this.#stopRuns(notebookId);
    this.#counts.delete(notebookId);
    this.#scopes.delete(notebookId);
    this.#checkers.get(notebookId)?.reset();
    this.#checkers.delete(notebookId);
  }

  /** Interrupts every running cell. */
  dispose(): void {
    for (const controller of this.#running.values()) controller.abort();
    for (const notebookId of [...this.#runs.keys()]) this.#stopRuns(notebookId);
    this.#running.clear();
    this.#checkers.clear();
    this.#scopes.clear();
  }
}

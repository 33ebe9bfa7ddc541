// `py` in TypeScript cells: the notebook's Python namespace. `await py.x` reads a global (plain data as values,
// the rest as handles), `await py.np.linalg.norm(a)` calls through it; each await is one call into the worker
// that holds the notebook's Python session. Its types come from the live values (see pyDeclarations).
import ts from "typescript";
import type { PythonBridge, PyValue } from "../../../bridge/index.js";
import { RUNTIME_SPECIFIER } from "./runtime-module.js";

const SCOPE_MODULE = "snakebridge_worker.notebook_scope";

/** The functions `py` uses, bound to one notebook session. */
export interface PySession {
  get(path: string[]): Promise<PyValue>;
  call(path: string[], args: PyValue[]): Promise<PyValue>;
}

/** Calls into the notebook's Python session (same worker as its cells: strict affinity). */
export function pySession(bridge: PythonBridge, session: string, signal: AbortSignal): PySession {
  const options = { session, affinity: "strict" as const, signal };
  return {
    get: (path) => bridge.call(`${SCOPE_MODULE}.get`, [session, path], {}, options),
    call: (path, args) => bridge.call(`${SCOPE_MODULE}.call`, [session, path, args], {}, options),
  };
}

/** A thenable, callable reference to `py.a.b.c`; nothing runs until it is awaited (or called, then awaited).
 * `wrap` turns what arrives into what the cell sees (a handle of a generated class becomes that class). */
export function pyNamespace(
  session: PySession,
  wrap: (value: PyValue) => Promise<unknown> = async (value) => value,
): unknown {
  const reference = (path: string[]): unknown =>
    new Proxy(
      function pyReference() {
        /* the call target of the proxy */
      },
      {
        get(_target, property) {
          if (typeof property === "symbol") return undefined;
          if (property === "then") {
            if (path.length === 0) return undefined; // `py` itself is not a promise
            const value = session.get(path).then(wrap);
            return value.then.bind(value);
          }
          return reference([...path, property]);
        },
        apply(_target, _this, args: unknown[]) {
          if (path.length === 0)
            throw new TypeError("py is the Python namespace; call a function in it, e.g. py.len([1, 2])");
          const result = session.call(path, args as PyValue[]).then(wrap);
          // A call result is only awaited: `(await py.f(1)).x`, not `py.f(1).x`.
          return { then: result.then.bind(result) };
        },
      },
    );
  return reference([]);
}

/** The `py.NAME` globals a cell names, in order of first use. */
export function pyNamesIn(source: string): string[] {
  const file = ts.createSourceFile("cell.ts", source, ts.ScriptTarget.ES2022, false, ts.ScriptKind.TS);
  const names = new Set<string>();
  const visit = (node: ts.Node): void => {
    if (ts.isPropertyAccessExpression(node) && ts.isIdentifier(node.expression) && node.expression.text === "py")
      names.add(node.name.text);
    ts.forEachChild(node, visit);
  };
  visit(file);
  return [...names];
}

/** What the worker reports for one global (notebook_scope.types_of). */
export interface PyGlobalType {
  type: string;
  kind: "value" | "module" | "callable";
  pythonType: string;
}

const KINDS: readonly PyGlobalType["kind"][] = ["value", "module", "callable"];

/** Checks what notebook_scope.types_of returned (a dict of dicts); entries of another shape are left out. */
export function parseGlobalTypes(value: unknown): Record<string, PyGlobalType> {
  const types: Record<string, PyGlobalType> = {};
  if (value === null || typeof value !== "object") return types;
  for (const [name, entry] of Object.entries(value)) {
    if (entry === null || typeof entry !== "object") continue;
    const { type, kind, pythonType } = entry as Record<string, unknown>;
    const known = KINDS.find((k) => k === kind);
    if (typeof type === "string" && typeof pythonType === "string" && known)
      types[name] = { type, kind: known, pythonType };
  }
  return types;
}

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;
/** TypeScript type text the worker may send: identifiers, unions, arrays, records, literals of those. */
const SAFE_TYPE = /^[\w$<>[\]|(),. ]*$/;

/**
 * Declarations of `py` for the checker: the named globals typed from their live values, any other name a PyRef.
 * `classTypes` (name → a generated class's type) overrides PyHandle for instances of a class an SDK wraps.
 */
export function pyDeclarations(
  types: Record<string, PyGlobalType>,
  classTypes: ReadonlyMap<string, string> = new Map(),
): string {
  const runtime = `import(${JSON.stringify(RUNTIME_SPECIFIER)})`;
  const members = Object.entries(types)
    .filter(([name, info]) => IDENTIFIER.test(name) && SAFE_TYPE.test(info.type))
    .map(
      ([name, info]) =>
        `  /** Python ${info.pythonType} (typed from its value when this cell was checked) */\n  readonly ${name}: PyRef<${classTypes.get(name) ?? info.type}>;`,
    );
  return `
type NDArray = ${runtime}.NDArray;
type PyHandle = ${runtime}.PyHandle;
type PyComplex = ${runtime}.PyComplex;
type PyCall = (...args: unknown[]) => PyRef<unknown>;
/** A Python value in the notebook's namespace: await it to read it, call it to call it. */
type PyRef<T> = PromiseLike<T> & PyCall & { readonly [name: string]: PyRef<unknown> };
/** The notebook's Python namespace. */
declare const py: {
${members.join("\n")}
} & { readonly [name: string]: PyRef<unknown> };
`;
}

// Host-side session state (issue 17): typed variables kept by the host, read and written from TypeScript
// (bridge.state(session)) and from Python (snakebridge_worker.state). They live here, not in a worker, so a worker
// crash loses nothing; with the SQLite store they also survive the host.
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import Database from "better-sqlite3";
import { Value } from "../../proto/generated/snakebridge/v1/values.js";
import { Emitter, type IDisposable } from "../base/index.js";
import { decodeValue, encodeValue, type HandleContext } from "./codec.js";
import { PythonError } from "./python-error.js";
import type { JsonSchema } from "./tools.js";
import type { PyHandle, PyValue } from "./values.js";

/** One stored variable: its value as values.proto bytes (a copy, plain data only) and its schema, if any. */
export interface StoredVariable {
  value: Uint8Array;
  schema: JsonSchema | undefined;
  updatedAt: number;
}

/** Where variables are kept: memory (default) or SQLite (the workbench). */
export interface StateStore {
  get(session: string, name: string): StoredVariable | undefined;
  put(session: string, name: string, variable: StoredVariable): void;
  delete(session: string, name: string): boolean;
  names(session: string): string[];
  sessions(): string[];
  close?(): void;
}

/** Keeps variables in this process. */
export class MemoryStateStore implements StateStore {
  readonly #sessions = new Map<string, Map<string, StoredVariable>>();

  get(session: string, name: string): StoredVariable | undefined {
    return this.#sessions.get(session)?.get(name);
  }

  put(session: string, name: string, variable: StoredVariable): void {
    let vars = this.#sessions.get(session);
    if (vars === undefined) this.#sessions.set(session, (vars = new Map()));
    vars.set(name, variable);
  }

  delete(session: string, name: string): boolean {
    return this.#sessions.get(session)?.delete(name) ?? false;
  }

  names(session: string): string[] {
    return [...(this.#sessions.get(session)?.keys() ?? [])];
  }

  sessions(): string[] {
    return [...this.#sessions.keys()].filter((s) => (this.#sessions.get(s)?.size ?? 0) > 0);
  }
}

/** Keeps variables in a SQLite file, so they outlive the host process too. */
export class SqliteStateStore implements StateStore {
  readonly #db: Database.Database;

  constructor(path: string) {
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    this.#db = new Database(path);
    try {
      this.#db.pragma("journal_mode = WAL");
      this.#db.exec(`CREATE TABLE IF NOT EXISTS session_state (
        session TEXT NOT NULL, name TEXT NOT NULL, value BLOB NOT NULL, schema TEXT, updated_at INTEGER NOT NULL,
        PRIMARY KEY (session, name))`);
    } catch (error) {
      this.#db.close();
      throw new Error(
        `cannot open the session state store at ${path}: ${error instanceof Error ? error.message : String(error)}; check the file is writable`,
        { cause: error },
      );
    }
  }

  get(session: string, name: string): StoredVariable | undefined {
    const row = this.#db
      .prepare("SELECT value, schema, updated_at FROM session_state WHERE session = ? AND name = ?")
      .get(session, name) as { value: Buffer; schema: string | null; updated_at: number } | undefined;
    if (row === undefined) return undefined;
    return {
      value: row.value,
      schema: row.schema === null ? undefined : (JSON.parse(row.schema) as JsonSchema),
      updatedAt: row.updated_at,
    };
  }

  put(session: string, name: string, variable: StoredVariable): void {
    this.#db
      .prepare("INSERT OR REPLACE INTO session_state (session, name, value, schema, updated_at) VALUES (?, ?, ?, ?, ?)")
      .run(
        session,
        name,
        Buffer.from(variable.value),
        variable.schema === undefined ? null : JSON.stringify(variable.schema),
        variable.updatedAt,
      );
  }

  delete(session: string, name: string): boolean {
    return this.#db.prepare("DELETE FROM session_state WHERE session = ? AND name = ?").run(session, name).changes > 0;
  }

  names(session: string): string[] {
    return (
      this.#db.prepare("SELECT name FROM session_state WHERE session = ? ORDER BY name").all(session) as {
        name: string;
      }[]
    ).map((r) => r.name);
  }

  sessions(): string[] {
    return (
      this.#db.prepare("SELECT DISTINCT session FROM session_state ORDER BY session").all() as { session: string }[]
    ).map((r) => r.session);
  }

  close(): void {
    this.#db.close();
  }
}

/** A variable as listed (the notebook's Variables panel). */
export interface StateVariableInfo {
  name: string;
  value: PyValue;
  schema: JsonSchema | undefined;
  updatedAt: number;
}

export type StateListener = (name: string, value: PyValue | undefined) => void;

/** Thrown when a value breaks its variable's schema (StateConstraintError in Python). */
export class StateConstraintError extends Error {
  override readonly name = "StateConstraintError";
}

/** Stored values hold plain data only: a handle or function names something that dies with its process. */
const NO_HANDLES: HandleContext = {
  owner: { releaseHandle: (_handle: PyHandle) => Promise.resolve() },
  workerId: "",
  generation: -1,
};

function describeErrors(errors: readonly ErrorObject[] | null | undefined): string {
  return (errors ?? []).map((e) => `${e.instancePath || "(value)"} ${e.message ?? "is invalid"}`).join("; ");
}

/** Every session's variables over one store; bridge.state(session) hands out views of one session. */
export class SessionStates {
  readonly #ajv = new Ajv({ allErrors: true, strict: false });
  readonly #validators = new Map<string, ValidateFunction>();
  readonly #changes = new Emitter<{ session: string; name: string; value: PyValue | undefined }>("session state");

  constructor(readonly store: StateStore = new MemoryStateStore()) {}

  /** The variables of one session. */
  session(session: string): SessionState {
    return new SessionState(this, session);
  }

  #validator(schema: JsonSchema): ValidateFunction {
    const key = JSON.stringify(schema);
    let validate = this.#validators.get(key);
    if (validate === undefined) {
      try {
        validate = this.#ajv.compile(schema);
      } catch (error) {
        throw new StateConstraintError(
          `the schema is not a valid JSON Schema: ${error instanceof Error ? error.message : String(error)}`,
        );
      }
      this.#validators.set(key, validate);
    }
    return validate;
  }

  /** Sets a variable; a new schema replaces the stored one, else the stored one still applies. */
  set(session: string, name: string, value: PyValue, schema?: JsonSchema): void {
    if (name === "") throw new StateConstraintError("a state variable needs a name");
    const effective = schema ?? this.store.get(session, name)?.schema;
    if (effective !== undefined) {
      const validate = this.#validator(effective);
      if (!validate(value)) {
        throw new StateConstraintError(
          `state variable "${name}" (session "${session}") refuses the value: ${describeErrors(validate.errors)}`,
        );
      }
    }
    const encoded = encodeValue(value); // no callbacks here: a stored function could not outlive its process
    assertPlain(encoded, name);
    this.store.put(session, name, { value: Value.encode(encoded).finish(), schema: effective, updatedAt: Date.now() });
    this.#emit(session, name, decodeValue(encoded, NO_HANDLES));
  }

  /** A copy of the variable's value, or undefined when it is not set. */
  get(session: string, name: string): PyValue | undefined {
    const stored = this.store.get(session, name);
    return stored === undefined ? undefined : decodeValue(Value.decode(stored.value), NO_HANDLES);
  }

  has(session: string, name: string): boolean {
    return this.store.get(session, name) !== undefined;
  }

  delete(session: string, name: string): boolean {
    const deleted = this.store.delete(session, name);
    if (deleted) this.#emit(session, name, undefined);
    return deleted;
  }

  /** Every variable of a session, with its value and schema. */
  list(session: string): StateVariableInfo[] {
    return this.store.names(session).flatMap((name) => {
      const stored = this.store.get(session, name);
      if (stored === undefined) return [];
      return [
        {
          name,
          value: decodeValue(Value.decode(stored.value), NO_HANDLES),
          schema: stored.schema,
          updatedAt: stored.updatedAt,
        },
      ];
    });
  }

  /** Calls `listener` on every change in the session until the returned disposable is disposed. */
  watch(session: string, listener: StateListener): IDisposable {
    return this.#changes.event((change) => {
      if (change.session === session) listener(change.name, change.value);
    });
  }

  #emit(session: string, name: string, value: PyValue | undefined): void {
    this.#changes.fire({ session, name, value });
  }
}

function assertPlain(value: Value, name: string): void {
  const kind = value.kind;
  if (kind === undefined) return;
  if (kind.$case === "handleValue" || kind.$case === "hostFunctionValue") {
    throw new StateConstraintError(
      `state variable "${name}" cannot hold ${kind.$case === "handleValue" ? `a Python object (${kind.value.pythonType})` : "a function"}: ` +
        "state lives in the host and outlives workers, so it keeps plain data only (numbers, strings, lists, dicts, arrays)",
    );
  }
  if (kind.$case === "listValue" || kind.$case === "tupleValue" || kind.$case === "setValue")
    for (const item of kind.value.items) assertPlain(item, name);
  if (kind.$case === "dictValue")
    for (const entry of kind.value.entries) {
      if (entry.key) assertPlain(entry.key, name);
      if (entry.value) assertPlain(entry.value, name);
    }
}

/** The variables of one session: `bridge.state(session)`. */
export class SessionState {
  readonly #states: SessionStates;

  constructor(
    states: SessionStates,
    readonly session: string,
  ) {
    this.#states = states;
  }

  /** Sets a variable; `schema` (JSON Schema) constrains it from now on, from TypeScript and from Python. */
  set(name: string, value: PyValue, options: { schema?: JsonSchema } = {}): void {
    this.#states.set(this.session, name, value, options.schema);
  }

  /** The variable's value (a copy), or undefined. */
  get(name: string): PyValue | undefined {
    return this.#states.get(this.session, name);
  }

  /** Removes a variable; false when it was not set. */
  delete(name: string): boolean {
    return this.#states.delete(this.session, name);
  }

  /** Every variable of the session. */
  list(): StateVariableInfo[] {
    return this.#states.list(this.session);
  }

  /** Calls `listener(name, value)` on every change (value undefined: deleted) until the result is disposed. */
  watch(listener: StateListener): IDisposable {
    return this.#states.watch(this.session, listener);
  }
}

/** Serves snakebridge_worker.state: `target` is the operation, the session is the request's. */
export function stateService(states: SessionStates): (op: string, args: PyValue[], session: string) => PyValue {
  return (op, args, session) => {
    const name = typeof args[0] === "string" ? args[0] : "";
    switch (op) {
      case "get":
        return states.has(session, name) ? [true, states.get(session, name) ?? null] : [false, null];
      case "set":
        states.set(session, name, args[1] ?? null);
        return null;
      case "delete":
        return states.delete(session, name);
      case "list":
        return states.store.names(session);
      default:
        throw PythonError.bridge("not_found", `unknown state operation "${op}"`);
    }
  };
}

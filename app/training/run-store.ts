// The embedded run store: runs, their events, metric series and telemetry in one SQLite file.
// WAL with synchronous=NORMAL: every append is its own committed transaction, so a crash of
// the host loses at most the append in flight, while appends stay cheap enough for live logs.

import { randomUUID } from "node:crypto";
import { isProcessAlive, readProcessStartTime } from "../system/processes.js";
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";

import Database from "better-sqlite3";

import { RunStatus, runStatusFromJSON, type SeriesPoint } from "../../proto/generated/snakebridge/v1/training.js";
import { decodeTrainingEvent, encodeTrainingEvent, parseTrainingEvent, type TrainingEvent } from "./events.js";

export { RunStatus, type SeriesPoint } from "../../proto/generated/snakebridge/v1/training.js";

const RUN_STATUSES: readonly string[] = Object.values(RunStatus);
const TERMINAL: ReadonlySet<RunStatus> = new Set(["completed", "stopped", "failed", "interrupted"]);

export interface RunRecord {
  id: string;
  name: string;
  config: unknown;
  status: RunStatus;
  createdAt: number;
  startedAt: number | null;
  finishedAt: number | null;
  summary: unknown;
  error: unknown;
}

export interface StoredEvent {
  seq: number;
  at: number;
  event: TrainingEvent;
}

export interface StatusDetails {
  summary?: unknown;
  error?: unknown;
  at?: number;
}

/** Thrown when a run id is not in the store. */
export class RunNotFoundError extends Error {
  override readonly name = "RunNotFoundError";
  constructor(readonly runId: string) {
    super(`run ${runId} is not in the run store; list runs to find its id`);
  }
}

interface RunRow {
  id: string;
  name: string;
  config: string;
  status: string;
  created_at: number;
  started_at: number | null;
  finished_at: number | null;
  summary: string | null;
  error: string | null;
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS runs (
  id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  config TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('created','running','completed','stopped','failed','interrupted')),
  created_at INTEGER NOT NULL,
  started_at INTEGER,
  finished_at INTEGER,
  summary TEXT,
  error TEXT,
  config_text TEXT,
  owner_pid INTEGER,
  owner_started TEXT
);
CREATE TABLE IF NOT EXISTS events (
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  seq INTEGER NOT NULL,
  at INTEGER NOT NULL,
  type TEXT NOT NULL,
  json TEXT NOT NULL,
  PRIMARY KEY (run_id, seq)
);
CREATE TABLE IF NOT EXISTS metrics (
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  step INTEGER NOT NULL,
  at INTEGER NOT NULL,
  name TEXT NOT NULL,
  value REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS metrics_by_name ON metrics (run_id, name, step);
CREATE TABLE IF NOT EXISTS telemetry (
  run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
  at INTEGER NOT NULL,
  name TEXT NOT NULL,
  value REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS telemetry_by_name ON telemetry (run_id, name, at);
`;

/** The process that trains a run: pid plus kernel start time, so a reused pid is not mistaken for it. */
export interface RunOwner {
  pid: number;
  started: string | null;
}

/** Adds the columns newer versions need to a store created by an older one. */
function migrate(db: Database.Database): void {
  const columns = new Set((db.prepare("PRAGMA table_info(runs)").all() as { name: string }[]).map((c) => c.name));
  for (const [name, type] of [
    ["config_text", "TEXT"],
    ["owner_pid", "INTEGER"],
    ["owner_started", "TEXT"],
  ] as const) {
    if (!columns.has(name)) db.exec(`ALTER TABLE runs ADD COLUMN ${name} ${type}`);
  }
}

/** Whether the process that created a run is still that same process. */
function ownerAlive(pid: number | null, started: string | null): boolean {
  if (pid === null) return false;
  if (pid === process.pid) return started === null || started === (readProcessStartTime(pid) ?? null);
  if (!isProcessAlive(pid)) return false;
  return started === null ? true : readProcessStartTime(pid) === started;
}

/** Fields of log/eval events that are not metrics. */
const NOT_METRICS = new Set(["type", "step"]);

export class RunStore {
  readonly #db: Database.Database;

  private constructor(db: Database.Database) {
    this.#db = db;
  }

  /** Opens (creating if needed) the store at path; ":memory:" gives a throwaway store. */
  static open(path: string): RunStore {
    if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
    const db = new Database(path);
    try {
      db.pragma("journal_mode = WAL");
      db.pragma("synchronous = NORMAL");
      db.pragma("foreign_keys = ON");
      db.exec(SCHEMA);
      migrate(db);
    } catch (error) {
      db.close();
      throw new Error(
        `cannot open the run store at ${path}: ${(error as Error).message}; check the file is a Snakebridge run store and writable`,
        {
          cause: error,
        },
      );
    }
    return new RunStore(db);
  }

  /** Records a new run in status "created", owned by this process unless told otherwise (see markInterruptedRuns). */
  createRun(
    input: { id?: string; name: string; config: unknown; configText?: string; owner?: RunOwner },
    at: number = Date.now(),
  ): RunRecord {
    const owner = input.owner ?? { pid: process.pid, started: readProcessStartTime(process.pid) ?? null };
    // A caller may pick the id up front, e.g. to name the run's output folder after it.
    const id = input.id ?? randomUUID();
    this.#db
      .prepare(
        "INSERT INTO runs (id, name, config, config_text, status, created_at, owner_pid, owner_started) VALUES (?, ?, ?, ?, 'created', ?, ?, ?)",
      )
      .run(
        id,
        input.name,
        JSON.stringify(input.config ?? null),
        input.configText ?? null,
        at,
        owner.pid,
        owner.started,
      );
    return this.#requireRun(id);
  }

  /** The config exactly as the user wrote it (comments included), when it was given. */
  configText(runId: string): string | undefined {
    const row = this.#db.prepare("SELECT config_text FROM runs WHERE id = ?").get(runId) as
      { config_text: string | null } | undefined;
    return row?.config_text ?? undefined;
  }

  /** Stores an event, its numeric log/eval fields as metrics, and the run status it implies. */
  appendEvent(runId: string, event: TrainingEvent, at: number = Date.now()): void {
    const checked = parseTrainingEvent(event);
    this.#db.transaction(() => {
      this.#requireRun(runId);
      const seq = (
        this.#db.prepare("SELECT COALESCE(MAX(seq), 0) + 1 AS next FROM events WHERE run_id = ?").get(runId) as {
          next: number;
        }
      ).next;
      this.#db
        .prepare("INSERT INTO events (run_id, seq, at, type, json) VALUES (?, ?, ?, ?, ?)")
        .run(runId, seq, at, checked.type, encodeTrainingEvent(checked));
      if (checked.type === "log" || checked.type === "eval") this.#insertMetrics(runId, checked, at);
      this.#applyEventStatus(runId, checked, at);
    })();
  }

  /** Stores one telemetry sample (e.g. {"gpu0.memory_used_bytes": ..., "rss_bytes": ...}). */
  appendTelemetry(runId: string, at: number, values: Record<string, number>): void {
    this.#db.transaction(() => {
      this.#requireRun(runId);
      const insert = this.#db.prepare("INSERT INTO telemetry (run_id, at, name, value) VALUES (?, ?, ?, ?)");
      for (const [name, value] of Object.entries(values)) {
        if (Number.isFinite(value)) insert.run(runId, at, name, value);
      }
    })();
  }

  /** Sets a run's status; "running" stamps started_at, terminal statuses stamp finished_at. */
  setStatus(runId: string, status: RunStatus, details: StatusDetails = {}): void {
    if (!RUN_STATUSES.includes(status)) {
      throw new Error(`run status must be one of ${RUN_STATUSES.join(", ")}, got ${JSON.stringify(status)}`);
    }
    this.#db.transaction(() => {
      this.#requireRun(runId);
      this.#writeStatus(runId, status, details.at ?? Date.now(), details);
    })();
  }

  /** The run with this id, or undefined. */
  getRun(id: string): RunRecord | undefined {
    const row = this.#db.prepare("SELECT * FROM runs WHERE id = ?").get(id) as RunRow | undefined;
    return row === undefined ? undefined : toRecord(row);
  }

  /** All runs, newest first. */
  listRuns(): RunRecord[] {
    const rows = this.#db.prepare("SELECT * FROM runs ORDER BY created_at DESC, rowid DESC").all() as RunRow[];
    return rows.map(toRecord);
  }

  /** A run's events in the order they were appended. */
  events(runId: string): StoredEvent[] {
    const rows = this.#db.prepare("SELECT seq, at, json FROM events WHERE run_id = ? ORDER BY seq").all(runId) as {
      seq: number;
      at: number;
      json: string;
    }[];
    return rows.map((row) => ({ seq: row.seq, at: row.at, event: decodeTrainingEvent(row.json) }));
  }

  /** A run's events of one type, in order (cheaper than events() for a long run's started/checkpoint events). */
  eventsOfType(runId: string, type: TrainingEvent["type"]): StoredEvent[] {
    const rows = this.#db
      .prepare("SELECT seq, at, json FROM events WHERE run_id = ? AND type = ? ORDER BY seq")
      .all(runId, type) as {
      seq: number;
      at: number;
      json: string;
    }[];
    return rows.map((row) => ({ seq: row.seq, at: row.at, event: decodeTrainingEvent(row.json) }));
  }

  /** One named series: metric points by step, or telemetry points (step null) by time. */
  series(runId: string, name: string): SeriesPoint[] {
    return this.#db
      .prepare(
        `SELECT step, at, value FROM (
           SELECT step, at, value FROM metrics WHERE run_id = ? AND name = ?
           UNION ALL
           SELECT NULL AS step, at, value FROM telemetry WHERE run_id = ? AND name = ?
         ) ORDER BY at, step`,
      )
      .all(runId, name, runId, name) as SeriesPoint[];
  }

  /** Names of every metric and telemetry series a run has, sorted. */
  seriesNames(runId: string): string[] {
    const rows = this.#db
      .prepare(
        "SELECT name FROM metrics WHERE run_id = ? UNION SELECT name FROM telemetry WHERE run_id = ? ORDER BY name",
      )
      .all(runId, runId) as { name: string }[];
    return rows.map((row) => row.name);
  }

  /**
   * Marks runs left "running" (or "created") by a process that died as "interrupted", ended at their last event
   * (when the owner was last heard from, not when someone noticed); returns how many.
   */
  markInterruptedRuns(): number {
    const error = JSON.stringify({
      classification: "interrupted",
      message: "the workbench stopped while this run was training; resume it from its last checkpoint (resume_from)",
    });
    // Several processes may share one store (the workbench and `snakebridge train`): only runs whose
    // owning process is gone were interrupted; a live owner (same pid and start time) is still training.
    const running = this.#db
      .prepare("SELECT id, owner_pid, owner_started FROM runs WHERE status IN ('running', 'created')")
      .all() as {
      id: string;
      owner_pid: number | null;
      owner_started: string | null;
    }[];
    const orphaned = running.filter((r) => !ownerAlive(r.owner_pid, r.owner_started)).map((r) => r.id);
    const mark = this.#db.prepare(
      `UPDATE runs SET status = 'interrupted', error = COALESCE(error, ?),
         finished_at = COALESCE((SELECT MAX(at) FROM events WHERE run_id = runs.id), started_at, created_at)
       WHERE id = ?`,
    );
    this.#db.transaction(() => {
      for (const id of orphaned) mark.run(error, id);
    })();
    return orphaned.length;
  }

  /** All of a run's series as CSV: source,step,at,name,value (one row per point). */
  exportCsv(runId: string): string {
    this.#requireRun(runId);
    const rows = this.#db
      .prepare(
        `SELECT 'metric' AS source, step, at, name, value FROM metrics WHERE run_id = ?
         UNION ALL
         SELECT 'telemetry' AS source, NULL AS step, at, name, value FROM telemetry WHERE run_id = ?
         ORDER BY source, name, at, step`,
      )
      .all(runId, runId) as { source: string; step: number | null; at: number; name: string; value: number }[];
    const lines = ["source,step,at,name,value"];
    for (const row of rows) {
      lines.push(
        [
          row.source,
          row.step === null ? "" : String(row.step),
          String(row.at),
          csvField(row.name),
          String(row.value),
        ].join(","),
      );
    }
    return `${lines.join("\n")}\n`;
  }

  /** Closes the database; the store cannot be used afterwards. */
  close(): void {
    this.#db.close();
  }

  #requireRun(id: string): RunRecord {
    const run = this.getRun(id);
    if (run === undefined) throw new RunNotFoundError(id);
    return run;
  }

  #insertMetrics(runId: string, event: TrainingEvent & { step: number }, at: number): void {
    const insert = this.#db.prepare("INSERT INTO metrics (run_id, step, at, name, value) VALUES (?, ?, ?, ?, ?)");
    for (const [name, value] of Object.entries(event)) {
      if (!NOT_METRICS.has(name) && typeof value === "number" && Number.isFinite(value)) {
        insert.run(runId, event.step, at, name, value);
      }
    }
  }

  #applyEventStatus(runId: string, event: TrainingEvent, at: number): void {
    if (event.type === "started") this.#writeStatus(runId, "running", at, {});
    else if (event.type === "finished") this.#writeStatus(runId, event.status, at, { summary: event.summary });
    else if (event.type === "failed") this.#writeStatus(runId, "failed", at, { error: event });
  }

  #writeStatus(runId: string, status: RunStatus, at: number, details: StatusDetails): void {
    // A resumed run goes back to "running": its old finish time no longer applies.
    const finishedAt = TERMINAL.has(status) ? at : null;
    const startedAt = status === "running" ? at : null;
    this.#db
      .prepare(
        `UPDATE runs SET status = ?,
           started_at = COALESCE(started_at, ?),
           finished_at = ?,
           summary = COALESCE(?, summary),
           error = COALESCE(?, error)
         WHERE id = ?`,
      )
      .run(
        status,
        startedAt,
        finishedAt,
        details.summary === undefined ? null : JSON.stringify(details.summary),
        details.error === undefined ? null : JSON.stringify(details.error),
        runId,
      );
  }
}

function toRecord(row: RunRow): RunRecord {
  return {
    id: row.id,
    name: row.name,
    config: JSON.parse(row.config) as unknown,
    status: runStatusFromJSON(row.status),
    createdAt: row.created_at,
    startedAt: row.started_at,
    finishedAt: row.finished_at,
    summary: row.summary === null ? null : (JSON.parse(row.summary) as unknown),
    error: row.error === null ? null : (JSON.parse(row.error) as unknown),
  };
}

function csvField(text: string): string {
  return /[",\n\r]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

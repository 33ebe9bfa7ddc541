import { mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { join } from "node:path";
import { describeError } from "../base/index.js";
import { isGroupAlive, isProcessAlive, readProcessStartTime } from "../system/processes.js";
import { signalGroup } from "./process-group.js";

/** One worker process as recorded on disk. */
export interface RegisteredWorker {
  workerId: string;
  pid: number;
  /** /proc start time; absent where it cannot be read, and then the entry is never reaped. */
  startTime?: string;
}

/** The on-disk record of one pool instance: who owns the workers, and which they are. */
export interface RegistryRecord {
  runId: string;
  name: string;
  hostPid: number;
  hostStartTime?: string;
  updatedAt: string;
  workers: RegisteredWorker[];
}

/** What reaping found: pids whose groups were killed, and files it could not use. */
export interface ReapResult {
  pids: number[];
  problems: string[];
}

/** The state directory the pool uses when none is given. */
export function defaultStateDir(): string {
  return process.env["SNAKEBRIDGE_STATE_DIR"] ?? join(homedir(), ".snakebridge", "state");
}

/** The folder holding one registry file per pool instance. */
export function registryDir(stateDir: string): string {
  return join(stateDir, "processes");
}

/** Whether pid is alive and, where start times are known, is the same process that was recorded. */
function isSameProcess(pid: number, startTime: string | undefined): boolean {
  if (!isProcessAlive(pid)) return false;
  const current = readProcessStartTime(pid);
  if (startTime === undefined || current === undefined) return startTime === undefined && current === undefined;
  return current === startTime;
}

function parseRecord(text: string, file: string): RegistryRecord {
  const value: unknown = JSON.parse(text);
  if (typeof value !== "object" || value === null) throw new Error(`${file} does not hold a JSON object`);
  const record = value as Partial<RegistryRecord>;
  if (typeof record.hostPid !== "number" || !Array.isArray(record.workers)) {
    throw new Error(`${file} lacks hostPid or workers`);
  }
  return record as RegistryRecord;
}

/**
 * Kills the worker groups listed by registry files whose host process is dead (or whose pid was reused),
 * then deletes those files. A worker is killed only if its pid still carries the recorded start time.
 */
export function reapOrphans(stateDir: string, ownRunId: string): ReapResult {
  const dir = registryDir(stateDir);
  const result: ReapResult = { pids: [], problems: [] };
  let files: string[];
  try {
    files = readdirSync(dir).filter((file) => file.endsWith(".json"));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return result;
    throw error;
  }
  for (const file of files) {
    if (file === `${ownRunId}.json`) continue;
    const path = join(dir, file);
    let record: RegistryRecord;
    try {
      record = parseRecord(readFileSync(path, "utf8"), path);
    } catch (error) {
      // A half-written file is never renamed into place, so this is foreign or damaged: report, keep it.
      result.problems.push(
        `Skipped unreadable process registry ${path}: ${describeError(error)}. Delete it if no pool uses it.`,
      );
      continue;
    }
    if (isSameProcess(record.hostPid, record.hostStartTime)) continue;
    for (const worker of record.workers) {
      // The worker itself may have exited (it does when its host dies) while children it started live on in
      // its process group. Linux never reuses a number that is still some group's id, so a surviving group
      // under the worker's pid is that worker's and safe to kill.
      const leaderIsOurs = worker.startTime !== undefined && isSameProcess(worker.pid, worker.startTime);
      const leaderGone = !isProcessAlive(worker.pid);
      if (!leaderIsOurs && !(leaderGone && isGroupAlive(worker.pid))) continue;
      try {
        signalGroup(worker.pid, "SIGKILL");
        result.pids.push(worker.pid);
      } catch (error) {
        result.problems.push(
          `Could not kill orphaned worker group ${worker.pid} from ${path}: ${describeError(error)}`,
        );
      }
    }
    rmSync(path, { force: true });
  }
  return result;
}

/** This pool instance's registry file, rewritten atomically whenever its set of workers changes. */
export class ProcessRegistry {
  readonly #path: string;
  readonly #workers = new Map<string, RegisteredWorker>();
  readonly #hostStartTime = readProcessStartTime(process.pid);
  readonly #stateDir: string;
  readonly #runId: string;
  readonly #name: string;

  constructor(stateDir: string, runId: string, name: string) {
    this.#stateDir = stateDir;
    this.#runId = runId;
    this.#name = name;
    this.#path = join(registryDir(stateDir), `${runId}.json`);
  }

  /** The file this registry writes. */
  get file(): string {
    return this.#path;
  }

  /** Records (or replaces) the process serving workerId. */
  add(workerId: string, pid: number): void {
    const startTime = readProcessStartTime(pid);
    this.#workers.set(workerId, startTime === undefined ? { workerId, pid } : { workerId, pid, startTime });
    this.write();
  }

  /** Forgets workerId's process once its group is gone. */
  delete(workerId: string, pid: number): void {
    if (this.#workers.get(workerId)?.pid !== pid) return;
    this.#workers.delete(workerId);
    this.write();
  }

  /** Writes the file via a temp file and rename, so readers never see half a record. */
  write(): void {
    const dir = registryDir(this.#stateDir);
    mkdirSync(dir, { recursive: true });
    const record: RegistryRecord = {
      runId: this.#runId,
      name: this.#name,
      hostPid: process.pid,
      ...(this.#hostStartTime === undefined ? {} : { hostStartTime: this.#hostStartTime }),
      updatedAt: new Date().toISOString(),
      workers: [...this.#workers.values()],
    };
    const temp = join(dir, `.${this.#runId}.${process.pid}.tmp`);
    writeFileSync(temp, `${JSON.stringify(record, null, 2)}\n`);
    renameSync(temp, this.#path);
  }

  /** Deletes the file (on shutdown, when no worker of this pool is left). */
  remove(): void {
    rmSync(this.#path, { force: true });
  }
}

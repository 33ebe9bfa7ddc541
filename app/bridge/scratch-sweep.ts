// Removes the scratch folders (sockets, /dev/shm ndarray files) of workers whose host and worker are both dead.
import { lstatSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isProcessAlive, readProcessStartTime } from "../system/processes.js";

/** The prefix only worker scratch folders use (python/snakebridge_worker/process/scratch.py). */
export const SCRATCH_PREFIX = "sbw-";
const OWNER_FILE = "owner.json";

/** A scratch folder's owner record, as the worker wrote it. */
export interface ScratchOwner {
  host_pid: number;
  host_start_time: string | null;
  worker_pid: number;
  worker_start_time: string | null;
}

export interface SweepResult {
  removed: string[];
  /** Folders that were proven stale but could not be removed, with why. */
  problems: string[];
}

/** The folders workers put scratch folders in: the temp dir and, on Linux, /dev/shm. */
export function scratchParents(): string[] {
  return process.platform === "linux" ? [tmpdir(), "/dev/shm"] : [tmpdir()];
}

function parseOwner(text: string): ScratchOwner | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== "object" || value === null) return undefined;
  const r = value as Record<string, unknown>;
  const startTime = (v: unknown): v is string | null => v === null || typeof v === "string";
  if (
    !Number.isInteger(r.host_pid) ||
    !Number.isInteger(r.worker_pid) ||
    !startTime(r.host_start_time) ||
    !startTime(r.worker_start_time)
  ) {
    return undefined;
  }
  return r as unknown as ScratchOwner;
}

/** Dead for sure: no such process, or a different one under that pid. Unknown start times prove nothing. */
function provenDead(pid: number, startTime: string | null): boolean {
  if (pid <= 1) return false;
  if (!isProcessAlive(pid)) return true;
  const current = readProcessStartTime(pid);
  return startTime !== null && current !== undefined && current !== startTime;
}

/** Whether an owner record proves that neither the host nor the worker is alive. */
export function ownerIsDead(owner: ScratchOwner): boolean {
  return provenDead(owner.host_pid, owner.host_start_time) && provenDead(owner.worker_pid, owner.worker_start_time);
}

/**
 * Removes `sbw-*` folders under `parents` that belong to this user and hold an owner record proving host and worker
 * dead. Folders without a readable record (another program's, or one being created right now) are left alone.
 */
export function sweepStaleScratch(parents: readonly string[] = scratchParents()): SweepResult {
  const result: SweepResult = { removed: [], problems: [] };
  const uid = process.getuid?.();
  for (const parent of parents) {
    let names: string[];
    try {
      names = readdirSync(parent).filter((name) => name.startsWith(SCRATCH_PREFIX));
    } catch {
      continue; // no such folder here (e.g. no /dev/shm): nothing to sweep
    }
    for (const name of names) {
      const dir = join(parent, name);
      let owner: ScratchOwner | undefined;
      try {
        const stat = lstatSync(dir);
        if (!stat.isDirectory() || (uid !== undefined && stat.uid !== uid)) continue;
        owner = parseOwner(readFileSync(join(dir, OWNER_FILE), "utf8"));
      } catch {
        continue; // vanished, not ours to read, or no record: not proven stale
      }
      if (owner === undefined || !ownerIsDead(owner)) continue;
      try {
        rmSync(dir, { recursive: true, force: true });
        result.removed.push(dir);
      } catch (error) {
        result.problems.push(
          `could not remove the stale worker folder ${dir}: ${error instanceof Error ? error.message : String(error)}; delete it by hand`,
        );
      }
    }
  }
  return result;
}

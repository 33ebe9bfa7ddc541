// What the operating system says about processes (Linux /proc, else signal 0): whether one lives, when it started,
// whether a process group still has members. Node-only; the pool and the run store both ask it.
import { readFileSync, readdirSync } from "node:fs";

const hasProcFs = process.platform === "linux";

interface ProcStat {
  state: string;
  pgrp: number;
  startTime: string;
}

/** Reads /proc/<pid>/stat; undefined when the process does not exist (or there is no /proc). */
function readProcStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "utf8");
  } catch {
    // ENOENT/ESRCH here is the answer "no such process", not a failure.
    return undefined;
  }
  // comm (field 2) may contain spaces and parentheses, so fields are counted after the last ')'.
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const state = fields[0];
  const pgrp = Number(fields[2]);
  const startTime = fields[19];
  if (state === undefined || startTime === undefined || !Number.isFinite(pgrp)) return undefined;
  return { state, pgrp, startTime };
}

/** The kernel start time of pid (/proc/<pid>/stat field 22) on Linux; undefined elsewhere or if it is gone. */
export function readProcessStartTime(pid: number): string | undefined {
  return readProcStat(pid)?.startTime;
}

/** Whether pid exists and is not a zombie. */
export function isProcessAlive(pid: number): boolean {
  if (hasProcFs) {
    const stat = readProcStat(pid);
    return stat !== undefined && stat.state !== "Z";
  }
  return signalExists(pid);
}

/** Whether any live (non-zombie) process is still in process group pgid. */
export function isGroupAlive(pgid: number): boolean {
  if (!hasProcFs) return signalExists(-pgid);
  for (const name of readdirSync("/proc")) {
    const pid = Number(name);
    if (!Number.isInteger(pid)) continue;
    const stat = readProcStat(pid);
    if (stat !== undefined && stat.pgrp === pgid && stat.state !== "Z") return true;
  }
  return false;
}

/** Whether a signal could be delivered to `target` (a pid, or -pgid for a group). */
export function signalExists(target: number): boolean {
  try {
    process.kill(target, 0);
    return true;
  } catch (error) {
    // EPERM means it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

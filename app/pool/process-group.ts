import { readFileSync, readdirSync } from "node:fs";
import { setTimeout as sleep } from "node:timers/promises";

const hasProcFs = process.platform === "linux";
const POLL_MS = 25;

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

function signalExists(target: number): boolean {
  try {
    process.kill(target, 0);
    return true;
  } catch (error) {
    // EPERM means it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/** Sends signal to every process in group pgid; false if the group no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  if (!Number.isInteger(pgid) || pgid <= 1) {
    throw new Error(`Refusing to signal process group ${pgid}: only a worker's own group (pid > 1) may be signalled.`);
  }
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ESRCH") return false;
    throw error;
  }
}

/** Resolves true once group pgid has no live process, or false after timeoutMs. */
export async function waitForGroupExit(pgid: number, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (!isGroupAlive(pgid)) return true;
    if (Date.now() >= deadline) return false;
    // Kept ref'd on purpose: a host awaiting shutdown must not exit before its workers are gone.
    await sleep(POLL_MS);
  }
}

/** SIGTERMs group pgid, waits up to termMs, then SIGKILLs whatever is left; resolves when the group is gone. */
export async function terminateGroup(pgid: number, termMs: number): Promise<void> {
  signalGroup(pgid, "SIGTERM");
  if (await waitForGroupExit(pgid, termMs)) return;
  await killGroup(pgid);
}

/** SIGKILLs group pgid and waits until it is gone. */
export async function killGroup(pgid: number): Promise<void> {
  signalGroup(pgid, "SIGKILL");
  if (await waitForGroupExit(pgid, 5_000)) return;
  throw new Error(
    `Process group ${pgid} is still alive 5 s after SIGKILL; a member may be stuck in uninterruptible I/O. ` +
      `Inspect it with: ps -o pid,stat,cmd -g ${pgid}`,
  );
}

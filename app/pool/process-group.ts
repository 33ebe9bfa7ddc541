import { setTimeout as sleep } from "node:timers/promises";
import { isGroupAlive } from "../system/processes.js";

const POLL_MS = 25;

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

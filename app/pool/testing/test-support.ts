import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import type { PoolEvent } from "../types.js";
import type { ProcessPool } from "../process-pool.js";

/** A fresh state directory; remove it with the returned function. */
export function tempStateDir(): { dir: string; remove: () => void } {
  const dir = mkdtempSync(join(tmpdir(), "pool-test-"));
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Polls until condition holds, failing with `what` after timeoutMs. */
export async function waitUntil(condition: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting until ${what}`);
    await sleep(20);
  }
}

/** Records every event a pool emits. */
export function recordEvents<C>(pool: ProcessPool<C>): PoolEvent[] {
  const events: PoolEvent[] = [];
  pool.on((event) => events.push(event));
  return events;
}

/** The error a promise rejects with; fails if it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error("expected the promise to reject, but it resolved");
}

import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterEach } from "vitest";
import { ProcessPool } from "../process-pool.js";
import type { PoolEvent, PoolOptions } from "../types.js";
import { LineWorkerAdapter, type LineConnection } from "./line-worker-adapter.js";

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

type Cleanup = () => Promise<void> | void;
const cleanups: Cleanup[] = [];

/** Registers something to undo after the current test (in reverse order); needs cleanUpAfterEachTest() in the file. */
export function onCleanup(cleanup: Cleanup): void {
  cleanups.push(cleanup);
}

/** Runs every registered cleanup after each test of the calling file. */
export function cleanUpAfterEachTest(): void {
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });
}

/** A pool of line workers on a temporary state dir (health checks off), shut down after the test; not yet started. */
export function newLinePool(
  size: number,
  extra: Partial<PoolOptions> = {},
  adapter: LineWorkerAdapter = new LineWorkerAdapter(),
): { pool: ProcessPool<LineConnection>; adapter: LineWorkerAdapter; stateDir: string } {
  const state = tempStateDir();
  const pool = new ProcessPool<LineConnection>(adapter, {
    size,
    stateDir: state.dir,
    healthCheckIntervalMs: 0,
    ...extra,
  });
  onCleanup(state.remove);
  onCleanup(() => pool.shutdown());
  return { pool, adapter, stateDir: state.dir };
}

/** Like newLinePool, started. */
export async function startedLinePool(
  size: number,
  extra: Partial<PoolOptions> = {},
  adapter: LineWorkerAdapter = new LineWorkerAdapter(),
): Promise<{ pool: ProcessPool<LineConnection>; adapter: LineWorkerAdapter }> {
  const { pool } = newLinePool(size, extra, adapter);
  await pool.start();
  return { pool, adapter };
}

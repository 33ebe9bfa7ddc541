import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isProcessAlive, readProcessStartTime } from "../system/processes.js";
import { signalGroup } from "./process-group.js";
import { ProcessPool } from "./process-pool.js";
import type { RegistryRecord } from "./process-registry.js";
import { LineWorkerAdapter, type LineConnection } from "./testing/line-worker-adapter.js";
import { cleanUpAfterEachTest, onCleanup, recordEvents, tempStateDir, waitUntil } from "./testing/test-support.js";

cleanUpAfterEachTest();

/** A live process in its own group, like a worker whose host died. */
function spawnDetachedSleeper(): ChildProcess {
  const child = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { detached: true, stdio: "ignore" });
  onCleanup(() => {
    if (child.pid !== undefined && isProcessAlive(child.pid)) signalGroup(child.pid, "SIGKILL");
  });
  return child;
}

/** The pid of a process that has already exited. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ["-e", ""], { stdio: "ignore" });
  await new Promise((resolve) => child.once("exit", resolve));
  return child.pid ?? 0;
}

function writeRecord(stateDir: string, record: RegistryRecord): string {
  const dir = join(stateDir, "processes");
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${record.runId}.json`);
  writeFileSync(file, JSON.stringify(record));
  return file;
}

describe.runIf(process.platform === "linux")("orphan reaping", () => {
  it("kills workers listed by a dead host's registry file and deletes the file", async () => {
    const state = tempStateDir();
    onCleanup(state.remove);
    const orphan = spawnDetachedSleeper();
    const orphanPid = orphan.pid ?? 0;
    await waitUntil(() => readProcessStartTime(orphanPid) !== undefined, "the orphan is running");
    const file = writeRecord(state.dir, {
      runId: "crashed-host-run",
      name: "crashed host",
      hostPid: await deadPid(),
      hostStartTime: "1",
      updatedAt: new Date().toISOString(),
      workers: [{ workerId: "w1", pid: orphanPid, startTime: readProcessStartTime(orphanPid) ?? "" }],
    });

    const pool = new ProcessPool<LineConnection>(new LineWorkerAdapter(), {
      size: 1,
      stateDir: state.dir,
      healthCheckIntervalMs: 0,
    });
    onCleanup(() => pool.shutdown());
    const events = recordEvents(pool);
    await pool.start();

    await waitUntil(() => !isProcessAlive(orphanPid), "the orphan is killed");
    expect(existsSync(file)).toBe(false);
    expect(events.find((event) => event.type === "orphans_reaped")).toMatchObject({ pids: [orphanPid], problems: [] });
  });

  it("leaves alone a live host's workers and a pid whose start time no longer matches", async () => {
    const state = tempStateDir();
    onCleanup(state.remove);
    const stranger = spawnDetachedSleeper();
    const strangerPid = stranger.pid ?? 0;
    const sibling = spawnDetachedSleeper();
    const siblingPid = sibling.pid ?? 0;
    await waitUntil(
      () => readProcessStartTime(strangerPid) !== undefined && readProcessStartTime(siblingPid) !== undefined,
      "both are running",
    );
    // Host dead, but the recorded start time says the pid now belongs to some other process.
    const reusedFile = writeRecord(state.dir, {
      runId: "pid-reused",
      name: "old host",
      hostPid: await deadPid(),
      updatedAt: new Date().toISOString(),
      workers: [{ workerId: "w1", pid: strangerPid, startTime: "12345" }],
    });
    // Host alive (this very process), so its workers are not orphans.
    const liveFile = writeRecord(state.dir, {
      runId: "live-host",
      name: "live host",
      hostPid: process.pid,
      hostStartTime: readProcessStartTime(process.pid) ?? "",
      updatedAt: new Date().toISOString(),
      workers: [{ workerId: "w1", pid: siblingPid, startTime: readProcessStartTime(siblingPid) ?? "" }],
    });

    const pool = new ProcessPool<LineConnection>(new LineWorkerAdapter(), {
      size: 1,
      stateDir: state.dir,
      healthCheckIntervalMs: 0,
    });
    onCleanup(() => pool.shutdown());
    await pool.start();

    expect(isProcessAlive(strangerPid)).toBe(true);
    expect(isProcessAlive(siblingPid)).toBe(true);
    expect(existsSync(reusedFile)).toBe(false);
    expect(existsSync(liveFile)).toBe(true);
  });
});

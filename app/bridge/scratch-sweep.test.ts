// The sweep of dead workers' scratch folders: it removes only what an owner record proves stale.
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { readProcessStartTime } from "../system/processes.js";
import { sweepStaleScratch, type ScratchOwner } from "./scratch-sweep.js";

let parent: string;
let deadPid: number;

beforeEach(() => {
  parent = mkdtempSync(join(tmpdir(), "sb-sweep-test-"));
  // A pid that certainly belonged to a process that has exited (and been reaped) by now.
  deadPid = Number(spawnSync("sh", ["-c", "echo $$"], { encoding: "utf8" }).stdout.trim());
});

afterEach(() => {
  rmSync(parent, { recursive: true, force: true });
});

function folder(name: string, owner?: ScratchOwner | string): string {
  const dir = join(parent, name);
  mkdirSync(dir);
  writeFileSync(join(dir, "worker.sock"), "");
  if (owner !== undefined)
    writeFileSync(join(dir, "owner.json"), typeof owner === "string" ? owner : JSON.stringify(owner));
  return dir;
}

const me = (): { pid: number; start: string | null } => ({
  pid: process.pid,
  start: readProcessStartTime(process.pid) ?? null,
});

describe("sweepStaleScratch", () => {
  it("removes a folder whose host and worker are both dead, or whose pids now belong to other processes", () => {
    const dead = folder("sbw-dead", {
      host_pid: deadPid,
      host_start_time: "1",
      worker_pid: deadPid,
      worker_start_time: "1",
    });
    // Our own pid with another start time: the recorded host is gone and the number was reused.
    const reused = folder("sbw-reused", {
      host_pid: process.pid,
      host_start_time: "0",
      worker_pid: deadPid,
      worker_start_time: null,
    });
    const result = sweepStaleScratch([parent]);
    expect(result.removed.sort()).toEqual([dead, reused].sort());
    expect(result.problems).toEqual([]);
    expect(existsSync(dead)).toBe(false);
    expect(existsSync(reused)).toBe(false);
  });

  it("keeps folders of a live host or worker, without a record, with a broken record, or of another prefix", () => {
    const { pid, start } = me();
    const kept = [
      folder("sbw-live-host", { host_pid: pid, host_start_time: start, worker_pid: deadPid, worker_start_time: "1" }),
      folder("sbw-live-worker", { host_pid: deadPid, host_start_time: "1", worker_pid: pid, worker_start_time: start }),
      // A live pid with no start time to compare proves nothing.
      folder("sbw-unknown-start", {
        host_pid: deadPid,
        host_start_time: null,
        worker_pid: pid,
        worker_start_time: null,
      }),
      folder("sbw-no-record"),
      folder("sbw-garbled", "{not json"),
      folder("sbw-wrong-shape", JSON.stringify({ host_pid: "12", worker_pid: 3 })),
      // e2e workspaces and test scratch share the old prefix: never touched, whatever they contain.
      folder("snakebridge-e2e-abc", {
        host_pid: deadPid,
        host_start_time: "1",
        worker_pid: deadPid,
        worker_start_time: "1",
      }),
    ];
    writeFileSync(join(parent, "sbw-a-file"), "not a folder");
    const result = sweepStaleScratch([parent]);
    expect(result.removed).toEqual([]);
    for (const dir of kept) expect(existsSync(dir)).toBe(true);
    expect(readdirSync(parent)).toContain("sbw-a-file");
  });

  it("ignores parents that do not exist", () => {
    expect(sweepStaleScratch([join(parent, "missing")])).toEqual({ removed: [], problems: [] });
  });
});

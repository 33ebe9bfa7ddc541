// Worker crashes, a killed host, and refused RPCs: the failure paths, with real processes.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { Metadata, status, type ServiceError } from "@grpc/grpc-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CallKind, ResultMode } from "../../proto/generated/snakebridge/v1/worker.js";
import { PythonError, type PythonBridge } from "./index.js";
import { isProcessAlive } from "../system/processes.js";
import { SCRATCH_PREFIX, scratchParents, sweepStaleScratch } from "./scratch-sweep.js";
import { startTestBridge } from "./testing/start-test-bridge.js";
import { spawnWorker } from "./worker-process.js";
import { WorkerConnection } from "./worker-client.js";

const here = dirname(fileURLToPath(import.meta.url));

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe("a worker killed in mid-call", () => {
  let bridge: PythonBridge;
  beforeAll(async () => {
    bridge = await startTestBridge({ poolSize: 1, pool: { restartBackoff: { initialMs: 50 } } });
  }, 60_000);
  afterAll(async () => {
    await bridge?.dispose();
  });

  it("fails the call with worker_crashed, restarts the worker and runs the queued calls", async () => {
    const pid = (await bridge.call("sb_fixtures.pid")) as number;
    const inFlight = bridge.call("time.sleep", [30]);
    // Issued after the sleep has left: calls issued in the same tick share its frame, and its fate (call-lane.ts).
    await new Promise((r) => setTimeout(r, 50));
    const queued = [bridge.call("math.sqrt", [4]), bridge.call("math.sqrt", [9])];
    await new Promise((r) => setTimeout(r, 250));
    process.kill(pid, "SIGKILL");
    const error = await inFlight.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(PythonError);
    expect((error as PythonError).classification).toBe("worker_crashed");
    expect(await Promise.all(queued)).toEqual([2, 3]);
    const newPid = (await bridge.call("sb_fixtures.pid")) as number;
    expect(newPid).not.toBe(pid);
    const worker = bridge.pool.snapshot().workers[0]!;
    expect(worker.restarts).toBeGreaterThanOrEqual(1);
  }, 30_000);

  it("a handle from the crashed worker fails clearly instead of reaching the new one", async () => {
    const acc = await bridge.construct("sb_fixtures.Accumulator");
    const pid = (await bridge.call("sb_fixtures.pid")) as number;
    process.kill(pid, "SIGKILL");
    await expect.poll(async () => (await bridge.call("sb_fixtures.pid")) !== pid, { timeout: 10_000 }).toBe(true);
    const error = await bridge.callMethod(acc, "add").then(
      () => undefined,
      (e: unknown) => e,
    );
    expect((error as PythonError).classification).toBe("worker_crashed");
    expect((error as PythonError).message).toContain("restarted");
  }, 30_000);
});

/** The `sbw-*` scratch folders (temp dir, /dev/shm) whose owner record names `hostPid`. */
function scratchFoldersOf(hostPid: number): string[] {
  return scratchParents()
    .flatMap((parent) =>
      readdirSync(parent)
        .filter((name) => name.startsWith(SCRATCH_PREFIX))
        .map((name) => join(parent, name)),
    )
    .filter((dir) => {
      try {
        return (JSON.parse(readFileSync(join(dir, "owner.json"), "utf8")) as { host_pid: number }).host_pid === hostPid;
      } catch {
        return false;
      }
    });
}

describe("a host killed with SIGKILL", () => {
  async function killedHost(
    startMode: "fork" | "spawn",
  ): Promise<{ stateDir: string; pids: number[]; grandchild: number; scratch: string[] }> {
    const stateDir = mkdtempSync(join(tmpdir(), "sb-hostkill-"));
    const host = spawn(
      process.execPath,
      ["--import", "tsx", join(here, "testing", "host-process.ts"), stateDir, startMode],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: host.stdout! }).once("line", resolve);
      host.once("exit", (code) => reject(new Error(`test host exited early (${code})`)));
    });
    const { pids, grandchild } = JSON.parse(line) as { pids: number[]; grandchild: number };
    expect(pids.every(alive)).toBe(true);
    expect(alive(grandchild)).toBe(true);
    // Listed while the host lives: once it is dead, any host starting in a test running beside this one sweeps them.
    const scratch = scratchFoldersOf(host.pid!);
    const gone = new Promise((resolve) => host.once("exit", resolve));
    host.kill("SIGKILL");
    await gone; // the 2 s bound counts from the host's death
    return { stateDir, pids, grandchild, scratch };
  }

  it("fork mode: the template kills its workers (one busy in C) and everything below them within 2 s", async () => {
    const { stateDir, pids, grandchild, scratch: left } = await killedHost("fork");
    try {
      // isProcessAlive: a killed process waiting to be reaped (a zombie) runs nothing and holds nothing.
      await expect
        .poll(() => [...pids, grandchild].filter(isProcessAlive), { timeout: 2_000, interval: 50 })
        .toEqual([]);
      // Killed workers leave their socket and /dev/shm folders; the next host's sweep removes them by their owner record.
      expect(left).toHaveLength(4);
      // Each is removed by this sweep, unless a host starting beside this test swept it first.
      const stillThere = left.filter((dir) => existsSync(dir));
      expect(sweepStaleScratch().removed).toEqual(expect.arrayContaining(stillThere));
      expect(left.filter((dir) => existsSync(dir))).toEqual([]);
    } finally {
      for (const pid of [...pids, grandchild]) if (alive(pid)) process.kill(pid, "SIGKILL");
      rmSync(stateDir, { recursive: true, force: true });
    }
  }, 60_000);

  it("spawn mode: workers (one busy in C) die with the host (PDEATHSIG), and the next host reaps what their groups left", async () => {
    const { stateDir, pids, grandchild } = await killedHost("spawn");
    try {
      await expect.poll(() => pids.filter(isProcessAlive), { timeout: 2_000, interval: 50 }).toEqual([]);
      // Best effort only: the grandchild shares a dead worker's process group. The worker may see stdin close and kill
      // it before the kernel's SIGKILL lands (the host's files close before its exit is signalled); if not, it lives
      // until a new host reads the process registry and kills the group.
      const next = await startTestBridge({ poolSize: 1, startMode: "spawn", pool: { stateDir } });
      try {
        await expect.poll(() => alive(grandchild), { timeout: 5_000 }).toBe(false);
      } finally {
        await next.dispose();
      }
    } finally {
      for (const pid of [...pids, grandchild]) if (alive(pid)) process.kill(pid, "SIGKILL");
      rmSync(stateDir, { recursive: true, force: true });
    }
  }, 60_000);
});

describe("the worker's token", () => {
  it("refuses a call without the token as UNAUTHENTICATED and serves one with it", async () => {
    const worker = await spawnWorker({
      python:
        (await import("./interpreter.js")).interpreterCandidates().find((c) => c.source === "venv")?.executable ??
        "python3",
    });
    try {
      const request = {
        callId: "x",
        kind: CallKind.CALL_KIND_FUNCTION,
        target: "math.sqrt",
        handleId: "",
        args: [],
        kwargs: [],
        sessionId: "",
        resultMode: ResultMode.RESULT_MODE_UNSPECIFIED,
        shmThresholdBytes: 0n,
        parentCallId: "",
      };
      const anonymous = WorkerConnection.unauthenticated(worker.handshake.address);
      const refusal = await new Promise<ServiceError | null>((resolve) =>
        anonymous.call(request, (error) => resolve(error)),
      );
      expect(refusal?.code).toBe(status.UNAUTHENTICATED);
      const wrong = new Metadata();
      wrong.set("x-snakebridge-token", "not-the-token");
      const wrongRefusal = await new Promise<ServiceError | null>((resolve) =>
        anonymous.health({}, wrong, (error) => resolve(error)),
      );
      expect(wrongRefusal?.code).toBe(status.UNAUTHENTICATED);
      anonymous.close();
      const authorised = new WorkerConnection(worker.handshake.address, worker.token);
      expect((await authorised.health()).pid).toBe(worker.handshake.pid);
      authorised.close();
    } finally {
      process.kill(-worker.process.pid, "SIGKILL");
    }
  }, 30_000);
});

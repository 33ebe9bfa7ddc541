// Resource limits. The watchdog path runs for real (these machines' cgroups belong to the workplace and are never
// touched); the cgroup path is exercised against a folder laid out like cgroupfs.
import { chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { WorkerOutOfMemoryError } from "./errors.js";
import {
  PoolCgroup,
  chooseLimitMechanism,
  findDelegatedCgroup,
  processTreeRssBytes,
  type CgroupEnvironment,
} from "./resource-limits.js";
import { cleanUpAfterEachTest, onCleanup, rejectionOf, startedLinePool, waitUntil } from "./testing/test-support.js";

cleanUpAfterEachTest();

const MiB = 2 ** 20;

/** A fake cgroup2 root: /user.slice/user@1000.service (delegated, owned by 1000) / app.slice / our scope. */
function fakeCgroupTree(owner: number): { env: CgroupEnvironment; delegated: string } {
  const root = mkdtempSync(join(tmpdir(), "sb-fake-cgroupfs-"));
  onCleanup(() => rmSync(root, { recursive: true, force: true }));
  const delegated = join(root, "user.slice", "user@1000.service", "app.slice");
  const own = join(delegated, "terminal.scope");
  mkdirSync(own, { recursive: true });
  for (const dir of [join(root, "user.slice"), join(root, "user.slice", "user@1000.service"), delegated]) {
    writeFileSync(join(dir, "cgroup.procs"), "");
    writeFileSync(join(dir, "cgroup.subtree_control"), "cpu memory pids");
  }
  chownSync(delegated, owner, owner);
  return { env: { root, selfPath: "/user.slice/user@1000.service/app.slice/terminal.scope", uid: owner }, delegated };
}

describe("choosing the mechanism", () => {
  it("needs nothing without limits", () => {
    expect(chooseLimitMechanism(undefined).kind).toBe("none");
    expect(chooseLimitMechanism({ mechanism: "watchdog" }).kind).toBe("none");
  });

  it("auto picks the nearest cgroup delegated to the user, never the process's own", () => {
    const { env, delegated } = fakeCgroupTree(1000);
    const chosen = chooseLimitMechanism({ memoryBytes: 512 * MiB, cpus: 1 }, env);
    expect(chosen).toEqual({ kind: "cgroup", parent: delegated, detail: `cgroup v2 under ${delegated}` });
  });

  it("auto falls back to the watchdog for root, or without cgroup v2, and says why", () => {
    const { env } = fakeCgroupTree(0);
    const asRoot = chooseLimitMechanism({ memoryBytes: 512 * MiB }, { ...env, uid: 0 });
    expect(asRoot.kind).toBe("watchdog");
    expect(asRoot.detail).toContain('never uses root\'s cgroups; set limits.mechanism to "cgroup" to use them)');
    const none = chooseLimitMechanism({ memoryBytes: 512 * MiB }, { root: "/nonexistent", selfPath: null, uid: 1000 });
    expect(none.detail).toContain("cgroup v2 is not mounted");
  });

  it("refuses a CPU limit it cannot enforce, naming the fix", () => {
    expect(() => chooseLimitMechanism({ cpus: 0.5, mechanism: "watchdog" })).toThrow(/cannot limit CPU/);
    expect(() => chooseLimitMechanism({ cpus: 0.5 }, { root: "/nonexistent", selfPath: null, uid: 1000 })).toThrow(
      /needs cgroup v2/,
    );
    expect(() =>
      chooseLimitMechanism(
        { memoryBytes: MiB, mechanism: "cgroup" },
        { root: "/nonexistent", selfPath: null, uid: 1000 },
      ),
    ).toThrow(/mechanism "cgroup" was asked for/);
  });

  it("skips an ancestor that does not pass the wanted controller down", () => {
    const { env, delegated } = fakeCgroupTree(1000);
    writeFileSync(join(delegated, "cgroup.subtree_control"), "pids");
    expect("why" in findDelegatedCgroup(env, ["memory"], true)).toBe(true);
  });
});

describe("the cgroup path (on a cgroupfs-shaped folder)", () => {
  it("writes memory.max, cpu.max and the worker's pid, and reads OOM kills from memory.events", () => {
    const { delegated } = fakeCgroupTree(1000);
    const cgroup = new PoolCgroup(delegated, "run-1", { memoryBytes: 256 * MiB, cpus: 0.5 });
    expect(readFileSync(join(cgroup.dir, "cgroup.subtree_control"), "utf8")).toBe("+memory +cpu");
    cgroup.attach("w1", 4242);
    const leaf = join(cgroup.dir, "w1");
    expect(readFileSync(join(leaf, "memory.max"), "utf8")).toBe(String(256 * MiB));
    expect(readFileSync(join(leaf, "cpu.max"), "utf8")).toBe("50000 100000");
    expect(readFileSync(join(leaf, "cgroup.procs"), "utf8")).toBe("4242");
    expect(cgroup.oomKills("w1")).toBe(0);
    writeFileSync(join(leaf, "memory.events"), "low 0\nhigh 0\nmax 3\noom 1\noom_kill 1\n");
    expect(cgroup.oomKills("w1")).toBe(1);
  });
});

describe("the RSS watchdog (real processes)", () => {
  it("measures a process tree and reads 0 for a pid that is gone", () => {
    expect(processTreeRssBytes(process.pid)).toBeGreaterThan(10 * MiB);
    expect(processTreeRssBytes(2 ** 22 + 17)).toBe(0);
  });

  it("kills a worker past its limit: the call fails with out_of_memory, and a replacement runs the next call", async () => {
    const { pool } = await startedLinePool(1, {
      limits: { memoryBytes: 200 * MiB, mechanism: "watchdog", sampleIntervalMs: 50 },
    });
    expect(pool.limits.kind).toBe("watchdog");
    const firstPid = await pool.run((c) => c.ok("pid"));
    const started = Date.now();
    const error = await rejectionOf(pool.run((c) => c.ok("allocate", "400")));
    expect(error).toBeInstanceOf(WorkerOutOfMemoryError);
    expect(error).toMatchObject({
      code: "out_of_memory",
      message: expect.stringMatching(/memory limit of 200 MiB .*RSS watchdog/),
    });
    expect(Date.now() - started).toBeLessThan(4_000);
    const secondPid = await pool.run((c) => c.ok("pid"));
    expect(secondPid).not.toBe(firstPid);
  });

  it("counts the worker's children too", async () => {
    const { pool } = await startedLinePool(1, {
      limits: { memoryBytes: 200 * MiB, mechanism: "watchdog", sampleIntervalMs: 50 },
    });
    const error = await rejectionOf(pool.run((c) => c.ok("child-allocate", "400")));
    expect(error).toBeInstanceOf(WorkerOutOfMemoryError);
    await waitUntil(() => pool.snapshot().workers[0]?.state === "idle", "the replacement is idle", 10_000);
  });

  it("leaves a worker under its limit alone", async () => {
    const { pool } = await startedLinePool(1, {
      limits: { memoryBytes: 1024 * MiB, mechanism: "watchdog", sampleIntervalMs: 50 },
    });
    const pid = await pool.run((c) => c.ok("pid"));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(pool.snapshot().workers[0]?.rssBytes).toBeGreaterThan(0);
    expect(await pool.run((c) => c.ok("pid"))).toBe(pid);
  });

  it("rejects start with a clear error when a CPU limit cannot be enforced", async () => {
    const error = await rejectionOf(startedLinePool(1, { limits: { cpus: 1, mechanism: "watchdog" } }));
    expect(error).toMatchObject({ message: expect.stringMatching(/cannot limit CPU/) });
  });
});

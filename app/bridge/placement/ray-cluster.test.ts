// Workers as Ray actors on a 2-node cluster (ray.cluster_utils on 127.0.0.1): placement by resources, arrays
// without /dev/shm, and the sweep of actors left behind by a host that died with its agent.
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it, onTestFinished } from "vitest";
import type { NDArray } from "../index.js";
import { startTestBridge } from "../testing/start-test-bridge.js";
import { alive, rayAvailability } from "./testing/ray-available.js";
import { startTestCluster, type TestCluster } from "./testing/ray-cluster-fixture.js";

const here = dirname(fileURLToPath(import.meta.url));
const ray = rayAvailability();

/** The child of `parent` whose command line contains `needle` (the host's Ray agent). */
function childWith(parent: number, needle: string): number | undefined {
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      if (ppid === parent && readFileSync(`/proc/${name}/cmdline`, "utf8").includes(needle)) return Number(name);
    } catch {
      continue; // exited while we looked
    }
  }
  return undefined;
}

describe.skipIf(!ray.ok)(`workers as Ray actors on a 2-node cluster (${ray.reason})`, () => {
  let cluster: TestCluster;
  beforeAll(async () => {
    cluster = await startTestCluster(ray.python, [{ num_cpus: 1 }, { num_cpus: 2, resources: { big: 2 } }]);
  }, 120_000);
  afterAll(async () => {
    await cluster?.stop();
  }, 60_000);

  it("places workers by custom resources on the node that has them; arrays cross as gRPC bytes", async () => {
    const bridge = await startTestBridge({
      poolSize: 2,
      python: ray.python,
      placement: { kind: "ray", address: cluster.address, resources: { big: 1 }, workerHost: "127.0.0.1" },
    });
    try {
      const placements = bridge.pool.snapshot().workers.map((w) => bridge.workerPlacement(w.id)!);
      expect(placements.map((p) => p.resources.big)).toEqual([1, 1]);
      expect(new Set(placements.map((p) => p.nodeId)).size).toBe(1);
      expect(placements.every((p) => p.nodeIp === "127.0.0.1")).toBe(true);
      // 2.4 MB: above the /dev/shm threshold of local workers; a cluster worker sends it inline instead.
      const big = (await bridge.call("numpy.linspace", [0, 1, 300_000])) as NDArray;
      expect(big.shape).toEqual([300_000]);
      expect(big.data[150_000]).toBeCloseTo(0.5, 5);
      expect(await bridge.call("math.fsum", [[0.1, 0.2, 0.3]])).toBe(0.6);
    } finally {
      await bridge.dispose();
    }
  }, 120_000);

  it("spreads three 1-CPU workers over both nodes (1 + 2 CPUs)", async () => {
    const bridge = await startTestBridge({
      poolSize: 3,
      python: ray.python,
      placement: { kind: "ray", address: cluster.address, numCpus: 1, workerHost: "127.0.0.1" },
    });
    try {
      const nodes = bridge.pool.snapshot().workers.map((w) => bridge.workerPlacement(w.id)!.nodeId);
      expect(new Set(nodes).size).toBe(2);
      expect(await Promise.all([1, 4, 9].map((n) => bridge.call("math.sqrt", [n])))).toEqual([1, 2, 3]);
    } finally {
      await bridge.dispose();
    }
  }, 120_000);

  it("host and agent killed with SIGKILL: the detached actors outlive them and the next start sweeps them", async () => {
    const stateDir = mkdtempSync(join(tmpdir(), "sb-ray-hostkill-"));
    onTestFinished(() => rmSync(stateDir, { recursive: true, force: true }));
    const host = spawn(
      process.execPath,
      ["--import", "tsx", join(here, "testing", "ray-host-process.ts"), stateDir, cluster.address, ray.python],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: host.stdout! }).once("line", resolve);
      host.once("exit", (code) => reject(new Error(`test host exited early (${code})`)));
      setTimeout(() => {
        host.kill("SIGKILL");
        reject(new Error("the test host did not start its Ray workers within 90 s"));
      }, 90_000).unref();
    });
    const { actorPids } = JSON.parse(line) as { actorPids: number[] };
    const agent = childWith(host.pid!, "snakebridge_worker.ray_agent");
    onTestFinished(() => {
      for (const pid of [host.pid, agent]) if (pid !== undefined && alive(pid)) process.kill(pid, "SIGKILL");
    });
    expect(agent).toBeDefined();
    expect(actorPids.every(alive)).toBe(true);
    // A crash of both: nothing runs the agent's own clean-up.
    host.kill("SIGKILL");
    process.kill(agent!, "SIGKILL");
    await expect.poll(() => alive(agent!), { timeout: 5_000 }).toBe(false);
    await new Promise((r) => setTimeout(r, 1500));
    expect(actorPids.every(alive)).toBe(true);
    const next = await startTestBridge({
      poolSize: 1,
      python: ray.python,
      pool: { stateDir },
      placement: { kind: "ray", address: cluster.address, workerHost: "127.0.0.1" },
    });
    try {
      await expect.poll(() => actorPids.filter(alive).length, { timeout: 20_000 }).toBe(0);
      expect(await next.call("math.sqrt", [25])).toBe(5);
    } finally {
      await next.dispose();
    }
  }, 120_000);
});

describe.skipIf(!ray.ok)(`a host with a local Ray head killed with SIGKILL (${ray.reason})`, () => {
  it("takes its agent, head and actors with it", async () => {
    const stateDir = mkdtempSync(join(tmpdir(), "sb-ray-localkill-"));
    onTestFinished(() => rmSync(stateDir, { recursive: true, force: true }));
    const host = spawn(
      process.execPath,
      ["--import", "tsx", join(here, "testing", "ray-host-process.ts"), stateDir, "local", ray.python],
      {
        stdio: ["ignore", "pipe", "inherit"],
      },
    );
    const line = await new Promise<string>((resolve, reject) => {
      createInterface({ input: host.stdout! }).once("line", resolve);
      host.once("exit", (code) => reject(new Error(`test host exited early (${code})`)));
      setTimeout(() => {
        host.kill("SIGKILL");
        reject(new Error("the test host did not start its Ray workers within 90 s"));
      }, 90_000).unref();
    });
    const { actorPids } = JSON.parse(line) as { actorPids: number[] };
    onTestFinished(() => {
      if (alive(host.pid!)) host.kill("SIGKILL");
    });
    const agent = childWith(host.pid!, "snakebridge_worker.ray_agent")!;
    const raylet = childWith(agent, "raylet");
    expect(raylet).toBeDefined();
    host.kill("SIGKILL");
    await expect.poll(() => [agent, raylet!, ...actorPids].filter(alive).length, { timeout: 30_000 }).toBe(0);
  }, 120_000);
});

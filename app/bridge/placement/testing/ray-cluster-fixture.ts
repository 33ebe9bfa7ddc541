// Starts testing/ray_cluster.py (a multi-node Ray cluster on 127.0.0.1) and stops it, group and all.
import { spawn, type ChildProcess } from "node:child_process";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { signalGroup } from "../../../pool/index.js";
import { isGroupAlive } from "../../../system/processes.js";

const here = dirname(fileURLToPath(import.meta.url));

export interface NodeSpec {
  num_cpus: number;
  resources?: Record<string, number>;
}

/** A running test cluster: its GCS address and how to stop it. */
export interface TestCluster {
  address: string;
  stop(): Promise<void>;
}

/** Starts the cluster and resolves with its address once every node is up (rejects after timeoutMs). */
export async function startTestCluster(python: string, nodes: NodeSpec[], timeoutMs = 90_000): Promise<TestCluster> {
  const child: ChildProcess = spawn(python, [join(here, "ray_cluster.py"), JSON.stringify(nodes)], {
    detached: true, // its own group: stop() takes every Ray process it started
    stdio: ["pipe", "pipe", "pipe"],
  });
  let output = "";
  child.stderr!.on("data", (chunk: Buffer) => {
    output = (output + chunk.toString("utf8")).slice(-4000);
  });
  const stop = async (): Promise<void> => {
    const pgid = child.pid!;
    child.stdin!.end();
    const deadline = Date.now() + 20_000;
    while (isGroupAlive(pgid) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    if (isGroupAlive(pgid)) signalGroup(pgid, "SIGKILL");
  };
  try {
    const line = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(
        () => reject(new Error(`the test cluster did not start within ${timeoutMs} ms:\n${output}`)),
        timeoutMs,
      );
      createInterface({ input: child.stdout! }).once("line", (l) => {
        clearTimeout(timer);
        resolve(l);
      });
      child.once("exit", (code) => {
        clearTimeout(timer);
        reject(new Error(`the test cluster exited (${code}):\n${output}`));
      });
    });
    return { address: (JSON.parse(line) as { address: string }).address, stop };
  } catch (error) {
    await stop();
    throw error;
  }
}

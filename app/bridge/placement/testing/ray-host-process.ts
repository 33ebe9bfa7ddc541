// A throwaway host for the "host killed with SIGKILL" Ray test: starts a bridge on a cluster, prints its actors, waits.
import { startTestBridge } from "../../testing/start-test-bridge.js";

const [stateDir, address, python] = process.argv.slice(2);
if (!stateDir || !address || !python) throw new Error("usage: ray-host-process.ts <stateDir> <address> <python>");
const bridge = await startTestBridge({
  poolSize: 2,
  python,
  pool: { stateDir },
  placement: { kind: "ray", address, workerHost: "127.0.0.1" },
});
const actors = bridge.pool.snapshot().workers.map((w) => bridge.workerPlacement(w.id)!);
process.stdout.write(
  JSON.stringify({ actorPids: actors.map((a) => a.actorPid), actorNames: actors.map((a) => a.actorName) }) + "\n",
);
setInterval(() => undefined, 60_000);

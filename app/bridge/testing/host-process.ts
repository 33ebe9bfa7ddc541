// A throwaway host for the "host killed with SIGKILL" test: starts a bridge, makes one worker busy in C, prints its
// worker pids, waits.
import { startTestBridge } from "./start-test-bridge.js";

const stateDir = process.argv[2];
const startMode = process.argv[3] ?? "fork";
if (!stateDir || (startMode !== "fork" && startMode !== "spawn"))
  throw new Error("usage: host-process.ts <stateDir> [fork|spawn]");
const bridge = await startTestBridge({ poolSize: 2, startMode, pool: { stateDir } });
const pids = await Promise.all(
  bridge.pool.snapshot().workers.map((w) => bridge.call("sb_fixtures.pid", [], {}, { session: `pin-${w.id}` })),
);
// An ndarray result large enough for shared memory: each worker now has its /dev/shm scratch folder too.
await Promise.all(
  bridge.pool.snapshot().workers.map((w) => bridge.call("numpy.zeros", [200_000], {}, { session: `pin-${w.id}` })),
);
// A grandchild in the worker's process group: it outlives its worker unless someone reaps the group.
const grandchild = await bridge.call("sb_fixtures.spawn_grandchild");
// The last worker spins in C holding the GIL (a catastrophic regex): deaf to SIGTERM, and to any Python-level exit path.
const busy = bridge.pool.snapshot().workers.at(-1)!;
void bridge
  .call("re.match", ["(a+)+$", `${"a".repeat(40)}b`], {}, { session: `pin-${busy.id}`, timeoutMs: 600_000 })
  .catch(() => undefined);
await new Promise((resolve) => setTimeout(resolve, 500));
process.stdout.write(
  JSON.stringify({ workers: bridge.pool.snapshot().workers.map((w) => w.pid), pids, grandchild }) + "\n",
);
setInterval(() => undefined, 60_000);

// Host-side session state (issue 17): typed variables in the host, shared with Python, surviving a worker's death.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type EvalEvent, type PythonBridge, type PyValue } from "./index.js";
import { SessionStates, SqliteStateStore, StateConstraintError } from "./session-state.js";
import { startTestBridge } from "./testing/start-test-bridge.js";

const dbPath = join(mkdtempSync(join(tmpdir(), "sb-state-")), "state.db");
const store = new SqliteStateStore(dbPath);
let bridge: PythonBridge;
beforeAll(async () => {
  bridge = await startTestBridge({ poolSize: 1, stateStore: store });
}, 60_000);
afterAll(async () => {
  await bridge?.dispose();
  store.close();
});

async function cell(
  code: string,
  session: string,
): Promise<{ value: PyValue | undefined; error: string | undefined; errorType: string | undefined }> {
  const events: EvalEvent[] = [];
  for await (const event of bridge.evaluate(code, { session, timeoutMs: 20_000 })) events.push(event);
  const result = events.find((e) => e.type === "result");
  const error = events.find((e) => e.type === "error");
  return {
    value: result?.type === "result" ? result.value : undefined,
    error: error?.type === "error" ? error.error.message : undefined,
    errorType: error?.type === "error" ? error.error.pythonType : undefined,
  };
}

describe("session state", () => {
  it("is shared between TypeScript and Python cells of the session, and watched", async () => {
    const state = bridge.state("nb-1");
    const changes: [string, PyValue | undefined][] = [];
    const watching = state.watch((name, value) => changes.push([name, value]));
    state.set("threshold", 0.5, { schema: { type: "number", minimum: 0, maximum: 1 } });
    const read = await cell(
      "from snakebridge_worker import state\nstate.set('labels', ['a', 'b'])\nstate.get('threshold') * 2",
      "nb-1",
    );
    expect(read).toEqual({ value: 1, error: undefined, errorType: undefined });
    expect(state.get("labels")).toEqual(["a", "b"]);
    expect(changes).toEqual([
      ["threshold", 0.5],
      ["labels", ["a", "b"]],
    ]);
    expect(state.list().map((v) => v.name)).toEqual(["labels", "threshold"]);
    expect((await cell("from snakebridge_worker import state\nstate.names()", "nb-other")).value).toEqual([]); // sessions are separate
    expect(state.delete("labels")).toBe(true);
    expect(changes.at(-1)).toEqual(["labels", undefined]);
    watching.dispose();
  });

  it("refuses a value that breaks the schema on either side, with the rule in the message", async () => {
    const state = bridge.state("nb-2");
    state.set("rate", 0.1, { schema: { type: "number", exclusiveMinimum: 0 } });
    expect(() => state.set("rate", -1)).toThrow(StateConstraintError);
    expect(() => state.set("rate", -1)).toThrow(
      /state variable "rate" \(session "nb-2"\) refuses the value: \(value\) must be > 0/,
    );
    const refused = await cell("from snakebridge_worker import state\nstate.set('rate', 'fast')", "nb-2");
    expect(refused.errorType).toBe("StateConstraintError");
    expect(refused.error).toMatch(/refuses the value: \(value\) must be number/);
    const caught = await cell(
      [
        "from snakebridge_worker import state",
        "try:\n    state.set('rate', 0)\nexcept ValueError as e:\n    r = type(e).__name__\nr",
      ].join("\n"),
      "nb-2",
    );
    expect(caught.value).toBe("StateConstraintError");
    expect(state.get("rate")).toBe(0.1);
    const unplain = await cell(
      "from snakebridge_worker import state\nimport threading\nstate.set('lock', threading.Lock())",
      "nb-2",
    );
    expect(unplain.error).toMatch(/cannot hold a Python object \(_thread.lock\)/);
    expect((await cell("from snakebridge_worker import state\nstate.get('nope', 7)", "nb-2")).value).toBe(7);
    expect((await cell("from snakebridge_worker import state\nstate.get('nope')", "nb-2")).errorType).toBe("KeyError");
  });

  it("survives kill -9 of the worker (and the host: it is in SQLite)", async () => {
    expect(
      (
        await cell(
          "from snakebridge_worker import state\nimport os\nstate.set('model', {'name': 'bert', 'layers': 12})\nos.getpid()",
          "nb-3",
        )
      ).value,
    ).toBeTypeOf("number");
    const pid = bridge.pool.snapshot().workers[0]!.pid;
    process.kill(pid, "SIGKILL");
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const w = bridge.pool.snapshot().workers[0]!;
      if (w.pid !== pid && w.pid !== 0 && w.state === "idle") break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // The worker's namespace for nb-3 died with it (the pool says so); the state did not.
    const after = await cell(
      "from snakebridge_worker import state\nimport os\n[state.get('model', session='nb-3'), os.getpid()]",
      "nb-3-after",
    );
    expect(after.error).toBeUndefined();
    const [model, newPid] = after.value as [PyValue, number];
    expect(newPid).not.toBe(pid);
    expect(model).toEqual({ name: "bert", layers: 12 });
    // A second host over the same file sees it too.
    const reopened = new SessionStates(new SqliteStateStore(dbPath));
    expect(reopened.get("nb-3", "model")).toEqual({ name: "bert", layers: 12 });
    reopened.store.close?.();
  }, 60_000);
});

// Enforce mode through a real worker: declared calls pass; anything else is refused by the host and, when a
// caller goes around the host straight to the worker's socket with a valid token, by the worker.
import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { CallKind, ResultMode, type CallRequest, type EvalEvent } from "../../proto/generated/snakebridge/v1/worker.js";
import { ErrorClass } from "../../proto/generated/snakebridge/v1/errors.js";
import { encodeValue } from "./codec.js";
import { PyHandle, PythonError, type AllowPolicy, type PythonBridge, type PyValue } from "./index.js";
import { startTestBridge } from "./testing/start-test-bridge.js";
import type { WorkerConnection } from "./worker-client.js";

const MANIFEST = "/srv/integrations/fixtures.yaml";
const policy: AllowPolicy = {
  manifests: [MANIFEST],
  rules: [
    { kind: "function", path: "statistics.mean", manifest: MANIFEST },
    { kind: "class", path: "sb_fixtures.Accumulator", methods: ["add"], manifest: MANIFEST },
    { kind: "pattern", path: "math.*", manifest: MANIFEST },
    { kind: "function", path: "sb_fixtures.unserializable", manifest: MANIFEST },
    { kind: "function", path: "os.getenv", manifest: MANIFEST },
  ],
  exclude: ["math.f*"],
};

let bridge: PythonBridge;
beforeAll(async () => {
  bridge = await startTestBridge({ poolSize: 1, allow: policy });
}, 60_000);
afterAll(async () => {
  await bridge?.dispose();
});

async function refusal(promise: Promise<unknown>): Promise<PythonError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(PythonError);
  expect((error as PythonError).classification).toBe("not_allowed");
  return error as PythonError;
}

/** The worker's own connection: the same socket and token the host uses, without the host's checks. */
async function rawConnection(): Promise<WorkerConnection> {
  return bridge.pool.run(async (worker) => worker.connection, { label: "raw connection" });
}

function rawRequest(kind: CallKind, target: string, args: PyValue[] = [], handleId = ""): CallRequest {
  return {
    callId: randomUUID(),
    kind,
    target,
    handleId,
    args: args.map((a) => encodeValue(a)),
    kwargs: [],
    sessionId: "",
    resultMode: ResultMode.RESULT_MODE_UNSPECIFIED,
    shmThresholdBytes: 0n,
    parentCallId: "",
  };
}

describe("enforce mode on the host", () => {
  it("lets a declared call through", async () => {
    expect(await bridge.call("statistics.mean", [[1, 2, 3, 4]])).toBe(2.5);
  });

  it("refuses os.system, naming the manifest to edit and the section to add it to", async () => {
    const error = await refusal(bridge.call("os.system", ["true"]));
    expect(error.pythonMessage).toContain(MANIFEST);
    expect(error.pythonMessage).toContain("entrypoints.functions");
    expect(error.target).toBe("os.system");
  });

  it("applies include and exclude globs", async () => {
    expect(await bridge.call("math.sqrt", [16])).toBe(4);
    await refusal(bridge.call("math.floor", [1.5]));
    await refusal(bridge.call("math.sqrt.__globals__"));
  });

  it("allows a declared class and its declared methods; refuses other methods and dunder attributes", async () => {
    const acc = await bridge.construct("sb_fixtures.Accumulator", [1]);
    expect(acc).toBeInstanceOf(PyHandle);
    expect(await bridge.callMethod(acc, "add", [2])).toBe(3);
    expect(await bridge.getAttribute(acc, "total")).toBe(3);
    await refusal(bridge.callMethod(acc, "__init__", [0]));
    await refusal(bridge.getAttribute(acc, "__class__"));
    await refusal(bridge.callMethod(acc, "__reduce_ex__", [2]));
  });

  it("refuses a function called as a constructor, and a class's other names", async () => {
    await refusal(bridge.construct("statistics.mean", [[1]]));
    await refusal(bridge.call("sb_fixtures.Accumulator.add"));
  });

  it("refuses streams and code evaluation", async () => {
    expect(() => bridge.stream("itertools.count", [0])).toThrow(PythonError);
    expect(() => bridge.evaluate("import os", { session: "s" })).toThrow(/off in enforce mode/);
  });

  it("keeps the workbench's own targets working (session reset)", async () => {
    await expect(bridge.resetSession("notebook-1")).resolves.toBeUndefined();
  });

  it("does not leave the allowlist in the worker's environment for user code to read", async () => {
    expect(await bridge.call("os.getenv", ["SNAKEBRIDGE_WORKER_ALLOWLIST"])).toBeNull();
  });

  it("reports the policy it enforces", () => {
    expect(bridge.allowPolicy?.manifests).toEqual([MANIFEST]);
  });
});

describe("enforce mode in the worker (a caller that bypasses the host)", () => {
  it("refuses os.system on the threaded server and on the fast path, with a valid token", async () => {
    const connection = await rawConnection();
    for (const response of [
      await connection.callUnary(rawRequest(CallKind.CALL_KIND_FUNCTION, "os.system", ["echo pwned"])),
      await connection.callFast(rawRequest(CallKind.CALL_KIND_FUNCTION, "os.system", ["echo pwned"])),
      await connection.callUnary(rawRequest(CallKind.CALL_KIND_ATTRIBUTE, "os.environ")),
      await connection.callUnary(rawRequest(CallKind.CALL_KIND_FUNCTION, "math.floor", [1.5])),
    ]) {
      expect(response.outcome?.$case).toBe("error");
      if (response.outcome?.$case !== "error") continue;
      expect(response.outcome.value.classification).toBe(ErrorClass.ERROR_CLASS_NOT_ALLOWED);
      expect(response.outcome.value.type).toBe("NotAllowed");
      expect(response.outcome.value.message).toContain(MANIFEST);
    }
    // A declared call on the same raw connection works: the refusals above were the policy, not the socket.
    const ok = await connection.callUnary(rawRequest(CallKind.CALL_KIND_FUNCTION, "statistics.mean", [[2, 4]]));
    expect(ok.outcome?.$case).toBe("result");
  });

  it("checks methods against the object's class, not its name", async () => {
    const connection = await rawConnection();
    const acc = await bridge.construct("sb_fixtures.Accumulator", [0]);
    const undeclared = await connection.callUnary(
      rawRequest(CallKind.CALL_KIND_METHOD, "__setattr__", ["total", 99], acc.id),
    );
    expect(undeclared.outcome?.$case === "error" && undeclared.outcome.value.classification).toBe(
      ErrorClass.ERROR_CLASS_NOT_ALLOWED,
    );
    // An object of an undeclared class (returned by a declared function) has no callable methods.
    const other = await bridge.call("sb_fixtures.unserializable", [], {}, { resultMode: "handle" });
    expect(other).toBeInstanceOf(PyHandle);
    const method = await connection.callUnary(
      rawRequest(CallKind.CALL_KIND_METHOD, "add", [1], (other as PyHandle).id),
    );
    expect(method.outcome?.$case === "error" && method.outcome.value.classification).toBe(
      ErrorClass.ERROR_CLASS_NOT_ALLOWED,
    );
  });

  it("refuses Eval sent straight to the worker", async () => {
    const call = (await rawConnection()).eval({
      callId: randomUUID(),
      sessionId: "raw",
      code: "import os; os.getpid()",
    });
    const events: EvalEvent[] = [];
    await new Promise<void>((resolve, reject) => {
      call.on("data", (e: EvalEvent) => events.push(e));
      call.on("end", () => resolve());
      call.on("error", reject);
    });
    const error = events.find((e) => e.event?.$case === "error");
    expect(error?.event?.$case === "error" && error.event.value.classification).toBe(
      ErrorClass.ERROR_CLASS_NOT_ALLOWED,
    );
    expect(events.some((e) => e.event?.$case === "result")).toBe(false);
  });
});

describe("without an allowlist", () => {
  it("nothing is refused and no policy reaches the worker", async () => {
    const open = await startTestBridge({ poolSize: 1 });
    try {
      expect(open.allowPolicy).toBeUndefined();
      expect(await open.call("math.floor", [1.5])).toBe(1);
      expect(await open.call("os.environ.get", ["SNAKEBRIDGE_WORKER_ALLOWLIST"])).toBeNull();
    } finally {
      await open.dispose();
    }
  }, 60_000);
});

// Host tools (issue 17): registered in TypeScript, called from Python calls and notebook cells.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PythonError, type EvalEvent, type PythonBridge, type PyValue } from "./index.js";
import { startTestBridge } from "./testing/start-test-bridge.js";

let bridge: PythonBridge;
beforeAll(async () => {
  bridge = await startTestBridge({ poolSize: 1 });
  bridge.tools.register("add", ({ a, b }) => Number(a) + Number(b), {
    description: "Adds two numbers.",
    parameters: { type: "object", properties: { a: { type: "number" }, b: { type: "number" } }, required: ["a", "b"] },
  });
  bridge.tools.register(
    "lookup",
    async ({ key }) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      return { key, found: key === "x" };
    },
    {
      description: "Looks a key up.",
      parameters: { type: "object", properties: { key: { type: "string" } }, required: ["key"] },
    },
  );
}, 60_000);
afterAll(async () => {
  await bridge?.dispose();
});

async function cell(code: string, session = "tools-cells"): Promise<EvalEvent[]> {
  const events: EvalEvent[] = [];
  for await (const event of bridge.evaluate(code, { session, timeoutMs: 20_000 })) events.push(event);
  return events;
}

describe("host tools", () => {
  it("are called from a notebook cell by name, positionally, by keyword and as attributes", async () => {
    const events = await cell(
      [
        "from snakebridge_worker import tools",
        "r = [tools.call('add', 2, 3), tools.add(a=1.5, b=2), tools.lookup('x')]",
        "r",
      ].join("\n"),
    );
    const result = events.find((e) => e.type === "result");
    expect(events.filter((e) => e.type === "error")).toEqual([]);
    expect(result?.type === "result" ? result.value : undefined).toEqual([5, 3.5, { key: "x", found: true }]);
  });

  it("list themselves in the MCP tool shape", async () => {
    const listed = (await bridge.call("snakebridge_worker.tools.list")) as PyValue[];
    expect(listed).toEqual([
      {
        name: "add",
        description: "Adds two numbers.",
        inputSchema: {
          type: "object",
          properties: { a: { type: "number" }, b: { type: "number" } },
          required: ["a", "b"],
        },
      },
      {
        name: "lookup",
        description: "Looks a key up.",
        inputSchema: { type: "object", properties: { key: { type: "string" } }, required: ["key"] },
      },
    ]);
  });

  it("refuse arguments that break the schema, with an error Python can read", async () => {
    const events = await cell("from snakebridge_worker import tools\ntools.add(a='two', b=2)");
    const error = events.find((e) => e.type === "error");
    expect(error?.type === "error" ? error.error.pythonType : "").toBe("HostError");
    expect(error?.type === "error" ? error.error.message : "").toMatch(
      /add: arguments do not match its schema: \/a must be number/,
    );
    const missing = await bridge.call("snakebridge_worker.tools.call", ["nope"]).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(missing).toBeInstanceOf(PythonError);
    expect((missing as PythonError).message).toMatch(/no host tool named "nope"; registered: add, lookup/);
  });

  it("refuse a name Python cannot call and an invalid schema at registration", () => {
    expect(() => bridge.tools.register("not a name", () => 1)).toThrow(/not a Python identifier/);
    expect(() => bridge.tools.register("bad", () => 1, { parameters: { type: "no-such-type" } })).toThrow(
      /not a valid JSON Schema/,
    );
  });
});

// Issue 17 through the Workbench API: host tools listed for the Workers view, called from a notebook cell, and the
// notebook's host-side session state in the Variables panel's data, surviving a kill -9 of the worker.
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { closeTestHost, startTestHost } from "./testing/test-host.js";
import type { WorkbenchTestClient } from "./testing/workbench-test-client.js";
import type { WorkbenchWebServer } from "./transports/websocket-server.js";
import type { WorkbenchHost } from "./workbench-host.js";

let scratch: string;
let host: WorkbenchHost;
let server: WorkbenchWebServer;
let client: WorkbenchTestClient;

beforeAll(async () => {
  ({ scratch, host, server, client } = await startTestHost("snakebridge-tools-state-", { poolSize: 1 }));
  host.bridge.tools.register("greet", ({ name }) => `hello ${String(name)}`, {
    description: "Greets someone.",
    parameters: { type: "object", properties: { name: { type: "string" } }, required: ["name"] },
  });
}, 60_000);

afterAll(async () => {
  await closeTestHost({ client, server, host, scratch });
});

const run = (notebookId: string, cellId: string, source: string) =>
  client.request("notebooks.run", { notebookId, cellId, language: "python", source });

describe("host tools in the workbench", () => {
  it("lists them for the Workers view and runs one from a notebook cell", async () => {
    const { tools } = await client.request("workers.tools", {});
    expect(tools).toEqual([
      {
        name: "greet",
        description: "Greets someone.",
        inputSchema: { type: "object", properties: { name: { type: "string" } }, required: ["name"] },
      },
    ]);
    const result = await run("tools-nb", "c1", "from snakebridge_worker import tools\ntools.greet('Ada')");
    expect(result.status).toBe("ok");
    expect(JSON.stringify(result.outputs)).toContain("hello Ada");
  });
});

describe("session state in the notebook", () => {
  it("shows up in notebooks.variables and survives kill -9 of the worker (SQLite store)", async () => {
    expect(
      (
        await run(
          "state-nb",
          "c1",
          "from snakebridge_worker import state\nstate.set('epochs', 3)\nstate.set('labels', ['cat', 'dog'])",
        )
      ).status,
    ).toBe("ok");
    const before = await client.request("notebooks.variables", { notebookId: "state-nb" });
    expect(before.state.map((v) => [v.name, v.preview])).toEqual([
      ["epochs", "3"],
      ["labels", '["cat","dog"]'],
    ]);
    const [worker] = (await client.request("workers.list", {})).workers;
    await client.request("workers.kill", { workerId: worker!.id });
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      const w = (await client.request("workers.list", {})).workers[0];
      if (w !== undefined && w.pid !== worker!.pid && w.state === "idle") break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    // The notebook's Python namespace died with the worker (the pool says so once); its host state did not.
    await expect(client.request("notebooks.restart", { notebookId: "state-nb" })).rejects.toThrow(
      /session "state-nb" lived in its process of generation 0, which has been replaced since/,
    );
    const after = await client.request("notebooks.variables", { notebookId: "state-nb" });
    expect(after.state.map((v) => v.name)).toEqual(["epochs", "labels"]);
    const read = await run(
      "state-nb-2",
      "c1",
      "from snakebridge_worker import state\nstate.get('labels', session='state-nb')",
    );
    expect(JSON.stringify(read.outputs)).toContain("dog");
  }, 60_000);
});

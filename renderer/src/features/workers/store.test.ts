import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { PoolView, WorkerView } from "../../api";
import { installWorkbenchClient } from "../../client/workbench-client";
import { testClient, type HostAnswers } from "../../client/test-channel";
import { useHostStore } from "../../platform/host-store";
import { selectedWorker, useWorkersStore, type WorkerOutput } from "./store";

const worker = (id: string): WorkerView => ({
  id,
  pid: 100,
  generation: 1,
  state: "idle",
  callsTotal: 0,
  inFlight: 0,
  restarts: 0,
  sessions: [],
  startedAt: 0,
  rssBytes: null,
  lastError: null,
});
const pool = (...ids: string[]): PoolView => ({ size: ids.length, queued: 0, workers: ids.map(worker) });
const initialHost = useHostStore.getState();
const initialWorkers = useWorkersStore.getState();

function connectTo(answers: HostAnswers): ReturnType<typeof testClient> {
  const test = testClient(answers);
  installWorkbenchClient(test.client);
  return test;
}

describe("workers store", () => {
  beforeEach(() => {
    useHostStore.setState(initialHost, true);
    useWorkersStore.setState(initialWorkers, true);
  });
  afterEach(() => useWorkersStore.setState(initialWorkers, true));

  it("keeps the selection on a worker that exists, else falls back to the first", () => {
    expect(selectedWorker(null, "w1")).toBeNull();
    expect(selectedWorker(pool("w1", "w2"), "w2")?.id).toBe("w2");
    expect(selectedWorker(pool("w1", "w3"), "w2")?.id).toBe("w1");
    expect(selectedWorker(pool(), "w2")).toBeNull();
  });

  it("loads the pool into the host store, the one copy of it", async () => {
    connectTo({ "workers.list": () => pool("w1", "w2") });
    await useWorkersStore.getState().load();
    expect(useHostStore.getState().pool?.workers.map((w) => w.id)).toEqual(["w1", "w2"]);
    expect(useWorkersStore.getState()).not.toHaveProperty("pool");
  });

  it("marks a worker pending while it restarts and reports a failed kill", async () => {
    let release: () => void = () => undefined;
    const { channel } = connectTo({
      "workers.restart": () => new Promise<Record<string, never>>((resolve) => (release = () => resolve({}))),
    });
    const restarting = useWorkersStore.getState().restart("w1");
    expect(useWorkersStore.getState().pending).toEqual({ w1: "restart" });
    release();
    await restarting;
    expect(useWorkersStore.getState().pending).toEqual({});

    await useWorkersStore.getState().kill("w2");
    expect(useWorkersStore.getState().error).toBe(
      "Could not kill worker w2: the test host does not answer workers.kill",
    );
    expect(channel.methods()).toEqual(["workers.restart", "workers.kill"]);
  });

  it("forwards only the selected worker's output, until disconnected", () => {
    const { client, channel } = testClient();
    useHostStore.getState().setPool(pool("w1", "w2"));
    const seen: WorkerOutput[] = [];
    const listening = useWorkersStore.getState().onSelectedOutput((output) => seen.push(output));
    const connection = useWorkersStore.getState().connect(client);

    channel.events.emit("worker.output", { workerId: "w1", stream: "stdout", text: "first is selected" });
    channel.events.emit("worker.output", { workerId: "w2", stream: "stdout", text: "not shown" });
    useWorkersStore.getState().select("w2");
    channel.events.emit("worker.output", { workerId: "w2", stream: "stderr", text: "now w2" });
    connection.dispose();
    channel.events.emit("worker.output", { workerId: "w2", stream: "stdout", text: "after disconnect" });
    listening.dispose();

    expect(seen).toEqual([
      { stream: "stdout", text: "first is selected" },
      { stream: "stderr", text: "now w2" },
    ]);
  });
});

import { beforeEach, describe, expect, it } from "vitest";
import type { RunDetailView, RunSummaryView, SeriesPoint } from "../../api";
import { testClient, type HostAnswers } from "../../client/test-channel";
import { installWorkbenchClient } from "../../client/workbench-client";
import { seriesIndex } from "./chart-data";
import { useTrainingStore } from "./store";

const initial = useTrainingStore.getState();

const summary = (id: string, status: RunSummaryView["status"] = "running", createdAt = 1): RunSummaryView => ({
  id,
  name: `run ${id}`,
  status,
  createdAt,
  startedAt: createdAt,
  finishedAt: null,
  step: null,
  loss: null,
  etaS: null,
  bestLoss: null,
  maxSteps: null,
  tokensPerS: null,
  params: {},
});
const detail = (id: string, series: Record<string, SeriesPoint[]> = {}): RunDetailView => ({
  ...summary(id),
  configText: "model: tiny\n",
  config: {},
  runDir: null,
  checkpoints: [],
  series,
  events: [],
  error: null,
});
const points = (from: number, count: number): SeriesPoint[] =>
  Array.from({ length: count }, (_, k) => ({ step: from + k, at: 1000 + from + k, value: 1 / (from + k + 1) }));

/** Installs a test host and connects the training store to it; the run "r1" has a detail with a loss series. */
async function connected(extra: HostAnswers = {}): Promise<ReturnType<typeof testClient> & { dispose(): void }> {
  const test = testClient({ "training.run": ({ runId }) => detail(runId, { loss: points(0, 3) }), ...extra });
  installWorkbenchClient(test.client);
  const connection = useTrainingStore.getState().connect(test.client);
  await useTrainingStore.getState().focus("r1");
  return { ...test, dispose: () => connection.dispose() };
}

describe("training store", () => {
  beforeEach(() => useTrainingStore.setState(initial, true));

  it("appends a tick's points to the series in place and bumps the run's live version (no copies)", async () => {
    const { channel, dispose } = await connected();
    const before = useTrainingStore.getState();
    const run = before.details["r1"];
    const loss = run?.series["loss"];
    expect(loss).toHaveLength(3);

    channel.events.emit("training.points", {
      runId: "r1",
      points: { loss: points(3, 2), "host.rss_bytes": [{ step: null, at: 2000, value: 5e8 }] },
    });
    const after = useTrainingStore.getState();
    // The same detail, record and array: the tick cost the two new points, not a copy of the run.
    expect(after.details).toBe(before.details);
    expect(after.details["r1"]).toBe(run);
    expect(after.details["r1"]?.series["loss"]).toBe(loss);
    expect(loss?.map((point) => point.step)).toEqual([0, 1, 2, 3, 4]);
    expect(run?.series["host.rss_bytes"]).toHaveLength(1);
    expect(after.liveVersion).toEqual({ r1: 1 });

    // Points for a run without a loaded detail are the host's to keep; the store ignores them.
    channel.events.emit("training.points", { runId: "other", points: { loss: points(0, 1) } });
    expect(useTrainingStore.getState().liveVersion).toEqual({ r1: 1 });

    dispose();
    channel.events.emit("training.points", { runId: "r1", points: { loss: points(5, 1) } });
    expect(loss).toHaveLength(5);
  });

  it("keeps the chart's index in step with in-place appends, reading only the new tail", async () => {
    const { channel } = await connected();
    const loss = useTrainingStore.getState().details["r1"]?.series["loss"] ?? [];
    const stepOf = (point: SeriesPoint): number | null => point.step;
    const index = seriesIndex("r1|loss|step|test", loss, stepOf, 0);
    expect(index.length).toBe(3);
    const version = index.version;
    channel.events.emit("training.points", { runId: "r1", points: { loss: points(3, 4) } });
    expect(seriesIndex("r1|loss|step|test", loss, stepOf, 0)).toBe(index);
    expect(index.length).toBe(7);
    expect(index.version).toBe(version + 1);
    expect(index.lastPoint()).toEqual({ x: 6, y: 1 / 7, ema: 1 / 7 });
  });

  it("appends events in place; checkpoints and the start's facts replace the detail", async () => {
    const { channel } = await connected();
    const run = useTrainingStore.getState().details["r1"];
    const events = run?.events;
    channel.events.emit("training.event", { runId: "r1", at: 1, type: "log", payload: { step: 1 } });
    expect(useTrainingStore.getState().details["r1"]).toBe(run);
    expect(useTrainingStore.getState().liveVersion["r1"]).toBe(1);

    channel.events.emit("training.event", {
      runId: "r1",
      at: 2,
      type: "started",
      payload: { run_dir: "/runs/tiny-r1", max_steps: 40 },
    });
    channel.events.emit("training.event", {
      runId: "r1",
      at: 3,
      type: "checkpoint",
      payload: { step: 20, path: "/runs/tiny-r1/checkpoint-20" },
    });
    const replaced = useTrainingStore.getState().details["r1"];
    expect(replaced).not.toBe(run);
    expect(replaced?.events).toBe(events);
    expect(replaced?.events.map((event) => event.type)).toEqual(["log", "started", "checkpoint"]);
    expect(replaced?.runDir).toBe("/runs/tiny-r1");
    expect(replaced?.maxSteps).toBe(40);
    expect(replaced?.checkpoints).toEqual([{ step: 20, path: "/runs/tiny-r1/checkpoint-20" }]);
    expect(useTrainingStore.getState().liveVersion["r1"]).toBe(3);
  });

  it("merges run updates, lists new runs first, and reloads a run's detail when it ends", async () => {
    let loads = 0;
    let hostStatus: RunSummaryView["status"] = "running";
    const { channel } = await connected({
      "training.run": ({ runId }) => {
        loads += 1;
        return { ...detail(runId, { loss: points(0, 9) }), status: hostStatus };
      },
    });
    useTrainingStore.setState({ runs: [summary("r1")] });
    channel.events.emit("training.updated", { run: { ...summary("r1"), step: 7, loss: 0.5 } });
    channel.events.emit("training.updated", { run: summary("r2", "created", 2) });
    const state = useTrainingStore.getState();
    expect(state.runs.map((run) => [run.id, run.step])).toEqual([
      ["r2", null],
      ["r1", 7],
    ]);
    expect(state.details["r1"]?.loss).toBe(0.5);
    expect(state.details["r1"]?.series["loss"]).toHaveLength(9);

    const loadsBefore = loads;
    hostStatus = "completed";
    channel.events.emit("training.updated", { run: summary("r1", "completed") });
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(loads).toBe(loadsBefore + 1);
    expect(useTrainingStore.getState().details["r1"]?.status).toBe("completed");
  });

  it("follows the installer's progress", async () => {
    const { channel } = await connected();
    channel.events.emit("training.install", { line: "Installing torch", progress: 0.5, done: false, ok: null });
    expect(useTrainingStore.getState().install).toEqual({
      running: true,
      progress: 0.5,
      line: "Installing torch",
      ok: null,
    });
  });

  it("refuses to start an empty config, and starts a saved one focused on the charts", async () => {
    const started: unknown[] = [];
    await connected({
      "training.start": (params) => {
        started.push(params);
        return { runId: "r9" };
      },
      "training.runs": () => [summary("r9", "created", 9)],
    });
    await useTrainingStore.getState().start();
    expect(useTrainingStore.getState().error).toMatch(/^The run config is empty/);

    useTrainingStore.setState({ configPath: "training/tiny.run.yaml", configText: "model: tiny\n", tab: "runs" });
    useTrainingStore.getState().setRunName("  first  ");
    await useTrainingStore.getState().start();
    const state = useTrainingStore.getState();
    expect(started).toEqual([{ configText: "model: tiny\n", name: "first", configPath: "training/tiny.run.yaml" }]);
    expect(state.focusId).toBe("r9");
    expect(state.shown[0]).toBe("r9");
    expect(state.tab).toBe("charts");
    expect(state.runs.map((run) => run.id)).toEqual(["r9"]);
    expect(state.starting).toBe(false);
  });

  it("a runs list asked for before a run's pushed updates never hides or rewinds that run", async () => {
    // The view's load settles with its slowest request (the environment probe imports torch); a run started and
    // finished meanwhile arrived only as pushed updates, after the list was asked for.
    let probeDone: () => void = () => undefined;
    const probe = new Promise<void>((resolve) => {
      probeDone = resolve;
    });
    const { channel } = await connected({
      "training.runs": () => [summary("old", "completed", 1)],
      "workspace.list": () => [],
      "training.schema": () => ({ schema: {} }),
      "training.environment": async () => {
        await probe;
        return { missing: [], installCommand: "", canInstall: false };
      },
    });
    const loading = useTrainingStore.getState().load();
    channel.events.emit("training.updated", { run: summary("new", "running", 5) });
    channel.events.emit("training.updated", { run: { ...summary("new", "completed", 5), step: 8 } });
    probeDone();
    await loading;
    const runs = useTrainingStore.getState().runs;
    expect(runs.map((run) => [run.id, run.status])).toEqual([
      ["new", "completed"],
      ["old", "completed"],
    ]);

    // A later list is newer than those updates: it wins.
    channel.events.emit("training.updated", { run: summary("old", "running", 1) }); // stale, say, from a reconnect
    await useTrainingStore.getState().load();
    expect(useTrainingStore.getState().runs.map((run) => [run.id, run.status])).toEqual([["old", "completed"]]);
  });

  it("ticks runs on and off the charts, loading a detail only when first shown", async () => {
    const { channel } = await connected();
    const requests = (): number => channel.methods().filter((method) => method === "training.run").length;
    const loaded = requests();
    await useTrainingStore.getState().toggleShown("r2");
    await useTrainingStore.getState().toggleShown("r2");
    await useTrainingStore.getState().toggleShown("r2");
    expect(requests()).toBe(loaded + 1);
    expect(useTrainingStore.getState().shown).toEqual(["r1", "r2"]);
  });
});

import { afterEach, describe, expect, it } from "vitest";
import type { HostStatus, PoolView } from "../api";
import { testClient } from "../client/test-channel";
import { useHostStore } from "./host-store";

const pool = (size: number): PoolView => ({ size, queued: 0, workers: [] });
const status = (poolSize: number): HostStatus => ({
  state: "ready",
  error: null,
  interpreter: null,
  pool: pool(poolSize),
  hostVersion: "0.1.0",
  transport: "web",
  workspaceDir: "/workspace",
});
const initial = useHostStore.getState();

describe("host store", () => {
  afterEach(() => useHostStore.setState(initial, true));

  it("reads the host status on every (re)connection and follows status and pool events until disposed", async () => {
    let answered = 0;
    const { client, channel } = testClient({ "host.status": () => status(++answered) });
    const connection = useHostStore.getState().connect(client);
    expect(useHostStore.getState().connection).toBe("connecting");
    expect(channel.methods()).toEqual([]);

    channel.events.setState("open");
    await Promise.resolve();
    await Promise.resolve();
    expect(useHostStore.getState().connection).toBe("open");
    expect(useHostStore.getState().pool?.size).toBe(1);

    channel.events.emit("pool.changed", pool(5));
    expect(useHostStore.getState().pool?.size).toBe(5);
    channel.events.emit("host.status", status(7));
    expect(useHostStore.getState().status?.pool.size).toBe(7);
    expect(useHostStore.getState().pool?.size).toBe(7);

    channel.events.setState("closed");
    channel.events.setState("open");
    await Promise.resolve();
    await Promise.resolve();
    expect(channel.methods()).toEqual(["host.status", "host.status"]);

    connection.dispose();
    channel.events.emit("pool.changed", pool(9));
    channel.events.setState("closed");
    expect(useHostStore.getState().pool?.size).toBe(2);
    expect(useHostStore.getState().connection).toBe("open");
  });

  it("says why the status could not be read", async () => {
    const { client, channel } = testClient({});
    const connection = useHostStore.getState().connect(client);
    channel.events.setState("open");
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(useHostStore.getState().statusError).toBe(
      "Could not read the host status: the test host does not answer host.status",
    );
    connection.dispose();
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ClientMessage } from "../api";
import { ApiError } from "../api";
import { RESTARTED_PROBLEM, SocketChannel, socketUrl, type SessionVerdict } from "./socket-channel";

/** Just enough of a browser WebSocket for the channel: records what it sends, lets the test drive events. */
class FakeSocket extends EventTarget {
  static created: FakeSocket[] = [];
  readyState = 0;
  sent: ClientMessage[] = [];
  constructor(readonly url: string) {
    super();
    FakeSocket.created.push(this);
  }
  send(text: string): void {
    this.sent.push(JSON.parse(text) as ClientMessage);
  }
  close(): void {
    this.drop();
  }
  open(): void {
    this.readyState = 1;
    this.dispatchEvent(new Event("open"));
  }
  receive(message: unknown): void {
    this.dispatchEvent(new MessageEvent("message", { data: JSON.stringify(message) }));
  }
  drop(): void {
    this.readyState = 3;
    this.dispatchEvent(new Event("close"));
  }
}

function channel(verdict: SessionVerdict = "unreachable"): { channel: SocketChannel; socket: () => FakeSocket } {
  const created = new SocketChannel("ws://host/api/socket?token=t", {
    createSocket: (url) => new FakeSocket(url) as unknown as WebSocket,
    probe: () => Promise.resolve(verdict),
  });
  return { channel: created, socket: () => FakeSocket.created[FakeSocket.created.length - 1] as FakeSocket };
}

describe("SocketChannel", () => {
  beforeEach(() => {
    FakeSocket.created = [];
    vi.useFakeTimers();
  });
  afterEach(() => vi.useRealTimers());

  it("builds the socket URL from the page's host, with the token only while the address has one", () => {
    expect(socketUrl({ protocol: "http:", host: "127.0.0.1:8080", search: "?token=a%2Fb" })).toBe(
      "ws://127.0.0.1:8080/api/socket?token=a%2Fb",
    );
    // After the first load the token lives in an HttpOnly cookie, which the browser sends with the upgrade.
    expect(socketUrl({ protocol: "https:", host: "gpu.example", search: "" })).toBe("wss://gpu.example/api/socket");
  });

  it("queues requests until the socket opens and resolves them by id", async () => {
    const { channel: subject, socket } = channel();
    const result = subject.request("workers.list", {});
    expect(socket().sent).toEqual([]);
    socket().open();
    expect(socket().sent).toEqual([{ kind: "request", id: 1, method: "workers.list", params: {} }]);
    socket().receive({ kind: "response", id: 1, result: { size: 2, queued: 0, workers: [] } });
    await expect(result).resolves.toEqual({ size: 2, queued: 0, workers: [] });
  });

  it("turns host errors into ApiError with the code", async () => {
    const { channel: subject, socket } = channel();
    socket().open();
    const result = subject.request("workspace.read", { path: "x" });
    socket().receive({ kind: "error", id: 1, error: { code: "not_found", message: "x does not exist" } });
    await expect(result).rejects.toMatchObject({ name: "ApiError", code: "not_found", message: "x does not exist" });
  });

  it("sends a cancel when the signal aborts and rejects as cancelled", async () => {
    const { channel: subject, socket } = channel();
    socket().open();
    const controller = new AbortController();
    const result = subject.request("libraries.describe", { module: "numpy" }, controller.signal);
    controller.abort();
    await expect(result).rejects.toBeInstanceOf(ApiError);
    await expect(result).rejects.toMatchObject({ code: "cancelled" });
    expect(socket().sent[1]).toEqual({ kind: "cancel", id: 1 });
  });

  it("delivers events to subscribers only until they unsubscribe", () => {
    const { channel: subject, socket } = channel();
    socket().open();
    const seen: number[] = [];
    const stop = subject.subscribe("pool.changed", (pool) => seen.push(pool.size));
    socket().receive({ kind: "event", event: "pool.changed", payload: { size: 3, queued: 0, workers: [] } });
    stop.dispose();
    socket().receive({ kind: "event", event: "pool.changed", payload: { size: 4, queued: 0, workers: [] } });
    expect(seen).toEqual([3]);
  });

  it("fails in-flight requests when the connection drops, then reconnects with backoff", async () => {
    const { channel: subject, socket } = channel();
    const states: string[] = [];
    subject.onConnectionChange((state) => states.push(state));
    socket().open();
    const result = subject.request("host.status", {});
    socket().drop();
    await expect(result).rejects.toMatchObject({ code: "disconnected" });
    expect(FakeSocket.created).toHaveLength(1);
    vi.advanceTimersByTime(600);
    expect(FakeSocket.created).toHaveLength(2);
    socket().open();
    expect(states).toEqual(["connecting", "open", "closed", "connecting", "open"]);
  });

  it("stops retrying and says so when the host no longer accepts the page (restarted, new token)", async () => {
    const { channel: subject, socket } = channel("rejected");
    const problems: (string | null)[] = [];
    subject.onProblem((problem) => problems.push(problem));
    socket().open();
    const inFlight = subject.request("host.status", {});
    socket().drop();
    await expect(inFlight).rejects.toMatchObject({ code: "disconnected" });
    await vi.advanceTimersByTimeAsync(60_000);
    expect(FakeSocket.created).toHaveLength(1);
    expect(problems).toEqual([null, RESTARTED_PROBLEM]);
    expect(RESTARTED_PROBLEM).toMatch(/^The workbench restarted: open the new address/);
    await expect(subject.request("host.status", {})).rejects.toMatchObject({ code: "unauthorized" });
  });

  it("keeps reconnecting while the host is down, and through a reload of a live host", async () => {
    const { channel: subject, socket } = channel("valid");
    socket().drop();
    await vi.advanceTimersByTimeAsync(600);
    expect(FakeSocket.created).toHaveLength(2);
    socket().open();
    const ok = subject.request("host.status", {});
    socket().receive({ kind: "response", id: 1, result: { state: "ready" } });
    await expect(ok).resolves.toEqual({ state: "ready" });
  });
});

// The host's poll for a local worker's answer: the window's rules, its setting, the poll itself on a FIFO, and a
// CallLane's use of it against a responder in another process on a real FIFO pair.
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { chmodSync, closeSync, constants, mkdirSync, mkdtempSync, openSync, rmSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { afterAll, describe, expect, it } from "vitest";
import { CallRequest } from "../../proto/generated/snakebridge/v1/worker.js";
import { DEFAULT_HOST_SPIN_US, hostSpinUs, mayHoldLoop, pollRead, PollWindow } from "./answer-poll.js";
import { CallLane } from "./call-lane.js";
import { findInterpreter, workerPackageRoot } from "./interpreter.js";

const root = mkdtempSync(join(tmpdir(), "sb-answer-poll-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("hostSpinUs", () => {
  it("polls 200 µs by default, never on one CPU, and clamps what it is given", () => {
    expect(hostSpinUs(undefined, 2)).toEqual({ us: DEFAULT_HOST_SPIN_US });
    expect(hostSpinUs(" ", 8)).toEqual({ us: DEFAULT_HOST_SPIN_US });
    expect(hostSpinUs("500", 1)).toEqual({ us: 0 });
    expect(hostSpinUs("0", 2)).toEqual({ us: 0 });
    expect(hostSpinUs("50", 2)).toEqual({ us: 50 });
    expect(hostSpinUs("-5", 2)).toEqual({ us: 0 });
    expect(hostSpinUs("1e9", 2)).toEqual({ us: 2_000 });
    expect(hostSpinUs("Infinity", 2)).toEqual({ us: 2_000 });
  });

  it("ignores a value that is not a number, and says so", () => {
    const { us, ignored } = hostSpinUs("fast", 2);
    expect(us).toBe(DEFAULT_HOST_SPIN_US);
    expect(ignored).toMatch(/SNAKEBRIDGE_HOST_SPIN_US="fast" \(not a number of microseconds\); using 200/);
  });
});

describe("PollWindow", () => {
  it("restores the whole window for an answer within it, halves it for a later one, and closes below an eighth", () => {
    const window = new PollWindow(0.2);
    window.woke(5);
    expect(window.currentMs).toBeCloseTo(0.1);
    window.woke(5);
    window.woke(5);
    expect(window.currentMs).toBeCloseTo(0.025);
    window.woke(5);
    expect(window.currentMs).toBe(0);
    window.woke(5);
    expect(window.currentMs).toBe(0);
    window.woke(0.15);
    expect(window.currentMs).toBeCloseTo(0.2);
  });

  it("stays closed when there is no window at all", () => {
    const window = new PollWindow(0);
    window.woke(0.01);
    expect(window.currentMs).toBe(0);
  });
});

describe("mayHoldLoop", () => {
  it("lets polls hold the event loop for 2 ms at most, then again once the loop has taken a turn", async () => {
    await new Promise((resolve) => setImmediate(resolve));
    expect(mayHoldLoop(1_000)).toBe(true);
    expect(mayHoldLoop(1_001.5)).toBe(true);
    expect(mayHoldLoop(1_002.5)).toBe(false);
    expect(mayHoldLoop(5_000)).toBe(false);
    await new Promise((resolve) => setImmediate(resolve));
    expect(mayHoldLoop(5_000)).toBe(true);
  });
});

/** A FIFO in `root`, opened for reading (non-blocking) and for writing. */
function fifo(name: string): { readFd: number; writeFd: number } {
  const path = join(root, name);
  if (spawnSync("mkfifo", [path]).status !== 0) throw new Error(`mkfifo ${path} failed`);
  const readFd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  const writeFd = openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
  return { readFd, writeFd };
}

describe.skipIf(process.platform === "win32")("pollRead", () => {
  it("returns what is there, gives up after its window when nothing is, and sees the end of the stream", () => {
    const pipe = fifo("poll-read");
    const buffer = Buffer.alloc(16);
    writeSync(pipe.writeFd, "hello");
    expect(pollRead(pipe.readFd, buffer, 1)).toBe(5);
    expect(buffer.subarray(0, 5).toString()).toBe("hello");

    const started = performance.now();
    expect(pollRead(pipe.readFd, buffer, 2)).toBeUndefined();
    expect(performance.now() - started).toBeGreaterThanOrEqual(2);

    closeSync(pipe.writeFd);
    expect(pollRead(pipe.readFd, buffer, 1)).toBe(0);
    closeSync(pipe.readFd);
  });

  it("gives up at once on a descriptor it cannot read, leaving the error to the event loop's read", () => {
    const started = performance.now();
    expect(pollRead(1_000_000, Buffer.alloc(4), 50)).toBeUndefined();
    expect(performance.now() - started).toBeLessThan(50);
  });
});

// A stand-in for a worker's lane: makes lane.in/lane.out as fifo_lane.py does and answers each call (an empty
// answer) after the number of milliseconds its target names.
const RESPONDER = `
import os, struct, sys, time
from snakebridge_worker.proto import worker_pb2
folder = sys.argv[1]
for name in ("lane.in", "lane.out"):
    os.mkfifo(os.path.join(folder, name), 0o600)
write_fd = os.open(os.path.join(folder, "lane.out"), os.O_RDWR)
print("ready", flush=True)
read_fd = os.open(os.path.join(folder, "lane.in"), os.O_RDONLY)  # returns once the host opens its end
data = b""
while True:
    chunk = os.read(read_fd, 65536)
    if not chunk:
        break
    data += chunk
    while len(data) >= 4:
        (size,) = struct.unpack_from("<I", data)
        if len(data) < 4 + size:
            break
        frame = worker_pb2.LaneFrame.FromString(data[4:4 + size])
        data = data[4 + size:]
        for request in frame.requests:
            time.sleep(float(request.target) / 1000)
            out = worker_pb2.LaneFrame(responses=[worker_pb2.CallResponse(call_id=request.call_id)]).SerializeToString()
            os.write(write_fd, struct.pack("<I", len(out)) + out)
`;

/** Starts the responder in a fresh worker-like folder (0700, sbw-*) and connects a lane to it. */
async function responderLane(name: string): Promise<{ lane: CallLane; child: ChildProcess }> {
  const folder = join(root, `sbw-${name}`);
  mkdirSync(folder);
  chmodSync(folder, 0o700);
  const python = await findInterpreter();
  const child = spawn(python.executable, ["-c", RESPONDER, folder], {
    env: { ...process.env, PYTHONPATH: workerPackageRoot },
    stdio: ["ignore", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout! });
  await new Promise<void>((resolve, reject) => {
    lines.once("line", () => resolve());
    child.once("exit", (code) => reject(new Error(`the responder exited with ${String(code)}`)));
  });
  return { lane: await CallLane.connect(`fifo:${folder}`, "token", 10_000), child };
}

let calls = 0;
/** A call the responder answers after `ms` milliseconds. */
function after(lane: CallLane, ms: number): Promise<unknown> {
  return lane.call(CallRequest.create({ callId: `c${++calls}`, target: String(ms) }));
}

describe.skipIf(process.platform === "win32")("a CallLane's poll for its answer", () => {
  it("gets quick answers inside the poll, before the event loop's next turn", async () => {
    const { lane, child } = await responderLane("quick");
    try {
      expect(lane.answerPollMs).toBe(DEFAULT_HOST_SPIN_US / 1000);
      let insidePoll = 0;
      for (let i = 0; i < 50; i++) {
        let turned = false;
        setImmediate(() => (turned = true));
        await after(lane, 0);
        if (!turned) insidePoll++;
      }
      // Most are; on a loaded machine some answers take longer than the window.
      expect(insidePoll).toBeGreaterThan(0);
    } finally {
      lane.close();
      child.kill();
    }
  });

  it("stops polling after a few answers slower than its window, and never polls with two calls in flight", async () => {
    const { lane, child } = await responderLane("slow");
    try {
      await Promise.all([after(lane, 5), after(lane, 5)]);
      expect(lane.answerPollMs).toBe(DEFAULT_HOST_SPIN_US / 1000);
      await after(lane, 5);
      expect(lane.answerPollMs).toBeCloseTo(DEFAULT_HOST_SPIN_US / 2000);
      for (let i = 0; i < 3; i++) await after(lane, 5);
      expect(lane.answerPollMs).toBe(0);
    } finally {
      lane.close();
      child.kill();
    }
  });
});

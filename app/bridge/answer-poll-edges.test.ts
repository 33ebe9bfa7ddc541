// Edges of the host's poll for a local worker's answer (answer-poll.ts, CallLane.#pollForAnswer) that the feature's
// own tests do not cover: a descriptor number reused after the worker's end closed, and tests that fake timers.
import { closeSync, fstatSync, mkdtempSync, openSync, readdirSync, readlinkSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, describe, expect, it, vi } from "vitest";
import { CallRequest, CallResponse, LaneFrame } from "../../proto/generated/snakebridge/v1/worker.js";
import { answeredInsidePoll, startLaneResponder } from "./testing/lane-responder.js";

const root = mkdtempSync(join(tmpdir(), "sb-answer-poll-edges-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The descriptor this process holds on `path` (Linux: through /proc/self/fd). */
function descriptorOf(path: string): number {
  for (const fd of readdirSync("/proc/self/fd")) {
    try {
      if (readlinkSync(`/proc/self/fd/${fd}`) === path) return Number(fd);
    } catch {
      /* a descriptor closed meanwhile (readdir's own) */
    }
  }
  throw new Error(`no descriptor on ${path}`);
}

function isOpen(fd: number): boolean {
  try {
    fstatSync(fd);
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(process.platform !== "linux")("the poll's descriptor after the worker's end of the lane", () => {
  it("never reads a descriptor that took the lane's number once the reader closed it", async () => {
    const { lane, child, folder } = await startLaneResponder(root, "reused-fd");
    const opened: number[] = [];
    try {
      await lane.call(CallRequest.create({ callId: "warm", target: "0" }));
      const readFd = descriptorOf(join(folder, "lane.out"));
      // An unrelated file whose bytes happen to be a well-formed answer to the call made below.
      const body = LaneFrame.encode(
        LaneFrame.create({ responses: [CallResponse.create({ callId: "late", durationUs: 424242n })] }),
      ).finish();
      const unrelated = join(root, "unrelated.bin");
      const bytes = Buffer.alloc(4 + body.length);
      bytes.writeUInt32LE(body.length, 0);
      bytes.set(body, 4);
      writeFileSync(unrelated, bytes);

      child.kill("SIGKILL"); // the worker dies while idle: its end of lane.out closes
      const started = Date.now();
      const { answer } = await new Promise<{ answer: Promise<CallResponse> }>((resolve, reject) => {
        const turn = (): void => {
          if (Date.now() - started > 10_000) {
            reject(new Error("the lane's reader never closed its descriptor"));
            return;
          }
          if (isOpen(readFd)) {
            setImmediate(turn);
            return;
          }
          // The reader has seen the end and closed its descriptor; the lane learns of it in the loop's close
          // phase. Meanwhile something else in the process opens a file, which gets the lowest free number.
          for (let fd = openSync(unrelated, "r"); ; fd = openSync(unrelated, "r")) {
            opened.push(fd);
            if (fd === readFd || opened.length > 100) break;
          }
          if (opened.at(-1) !== readFd) {
            reject(new Error(`no file got the lane's descriptor number ${readFd}`));
            return;
          }
          // A call made now (from an immediate, or any I/O callback of this loop turn) is the only one awaited.
          resolve({ answer: lane.call(CallRequest.create({ callId: "late", target: "0" })) });
        };
        setImmediate(turn);
      });
      // A poll of that number would read the unrelated file (its bytes, and its offset) and the call would
      // "succeed" with them. Were the descriptor a blocking pipe or a terminal, readSync would block the
      // process for good.
      await expect(answer).rejects.toMatchObject({ classification: "worker_crashed" });
    } finally {
      lane.close();
      child.kill();
      for (const fd of opened) closeSync(fd);
    }
  });
});

describe.skipIf(process.platform === "win32")("the poll under fake timers", () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it("gives up after its window when the clock is faked, instead of spinning until the answer comes", async () => {
    const { lane, stop } = await startLaneResponder(root, "fake-clock");
    try {
      await lane.call(CallRequest.create({ callId: "warm-clock", target: "0" }));
      // Vitest's defaults fake performance.now() too: the clock the window is measured with stands still.
      vi.useFakeTimers();
      const cpu = process.cpuUsage();
      await lane.call(CallRequest.create({ callId: "slow-under-fake-clock", target: "400" }));
      const used = process.cpuUsage(cpu); // Date and performance are faked: measure the CPU the host used instead
      const usedMs = (used.user + used.system) / 1000;
      vi.useRealTimers();
      // On a faked clock the host would spin in readSync for the whole 400 ms call (its event loop blocked; a call
      // that never answers would hang the test process past its own timeout).
      expect(usedMs).toBeLessThan(150);
    } finally {
      vi.useRealTimers();
      stop();
    }
  });

  it("polls again once a test's fake timers are gone", async () => {
    const { lane, stop } = await startLaneResponder(root, "after-fake-clock");
    try {
      expect(await answeredInsidePoll(lane, 20)).toBeGreaterThan(0);
      await new Promise((resolve) => setImmediate(resolve)); // the loop has turned: no hold is on record
      vi.useFakeTimers();
      // One quick call under fake timers: mayHoldLoop notes when the hold began (on the fake clock) and asks a
      // (fake) setImmediate to forget it once the loop turns; that immediate never runs.
      await lane.call(CallRequest.create({ callId: "under-fake-timers", target: "0" }));
      vi.useRealTimers();
      // Had the hold's end waited on the faked immediate, no later poll in this process would ever run.
      expect(await answeredInsidePoll(lane, 20)).toBeGreaterThan(0);
    } finally {
      vi.useRealTimers();
      stop();
    }
  });
});

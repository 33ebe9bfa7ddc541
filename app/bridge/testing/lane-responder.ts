// A stand-in for a local worker's call lane in tests of the host's side: a Python process that makes lane.in and
// lane.out as fifo_lane.py does and answers each call (with an empty answer) after the number of milliseconds its
// target names.
import { spawn, type ChildProcess } from "node:child_process";
import { chmodSync, mkdirSync } from "node:fs";
import { join } from "node:path";
import { createInterface } from "node:readline";
import { CallRequest } from "../../../proto/generated/snakebridge/v1/worker.js";
import { CallLane } from "../call-lane.js";
import { findInterpreter, workerPackageRoot } from "../interpreter.js";

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

/** A lane connected to a responder in a fresh worker-like folder (0700, sbw-`name`) under `root`. */
export interface LaneResponder {
  lane: CallLane;
  child: ChildProcess;
  folder: string;
  /** Closes the lane and stops the responder. */
  stop(): void;
}

/** Starts a responder and connects a lane to it; the responder is stopped if the lane cannot connect. */
export async function startLaneResponder(root: string, name: string): Promise<LaneResponder> {
  const folder = join(root, `sbw-${name}`);
  mkdirSync(folder);
  chmodSync(folder, 0o700);
  const python = await findInterpreter();
  const child = spawn(python.executable, ["-c", RESPONDER, folder], {
    env: { ...process.env, PYTHONPATH: workerPackageRoot },
    stdio: ["ignore", "pipe", "inherit"],
  });
  try {
    const lines = createInterface({ input: child.stdout! });
    await new Promise<void>((resolve, reject) => {
      lines.once("line", () => resolve());
      child.once("exit", (code) => reject(new Error(`the lane responder exited with ${String(code)}`)));
    });
    const lane = await CallLane.connect(`fifo:${folder}`, "token", 10_000);
    return {
      lane,
      child,
      folder,
      stop: () => {
        lane.close();
        child.kill();
      },
    };
  } catch (error) {
    child.kill();
    throw error;
  }
}

let calls = 0;
/** A call the responder answers after `ms` milliseconds. */
export function answeredAfter(lane: CallLane, ms: number): ReturnType<CallLane["call"]> {
  return lane.call(CallRequest.create({ callId: `responder-call-${++calls}`, target: String(ms) }));
}

/** How many of `n` quick calls were answered before the event loop took a turn, that is inside the host's poll. */
export async function answeredInsidePoll(lane: CallLane, n: number): Promise<number> {
  let inside = 0;
  for (let i = 0; i < n; i++) {
    let turned = false;
    setImmediate(() => (turned = true));
    await answeredAfter(lane, 0);
    if (!turned) inside++;
  }
  return inside;
}

// The bench's transport floor: a real Python echo process on pipes.
import { describe, expect, it } from "vitest";
import { findInterpreter } from "../../bridge/index.js";
import { PipeEchoFloor } from "./pipe-echo-floor.js";

describe("PipeEchoFloor", () => {
  it("echoes round trips one at a time", async () => {
    const floor = await PipeEchoFloor.start((await findInterpreter()).executable);
    try {
      for (let i = 0; i < 200; i++) await floor.roundTrip();
    } finally {
      floor.close();
    }
  }, 30_000);

  it("says why when the interpreter cannot run the echo process", async () => {
    await expect(PipeEchoFloor.start(process.execPath, 10_000)).rejects.toThrow(/echo process exited \(code \d+\)/);
  }, 30_000);
});

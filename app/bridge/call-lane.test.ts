// Connecting the call lane to a local worker's FIFO pair: only FIFOs in a worker's private folder are opened, and a
// pair that is not there fails within the timeout, with the address and the reason.
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { CallLane } from "./call-lane.js";

const root = mkdtempSync(join(tmpdir(), "sb-lane-test-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A folder like a worker's private one (0700, sbw-*). */
function workerFolder(name: string): string {
  const dir = join(root, name);
  mkdirSync(dir);
  chmodSync(dir, 0o700);
  return dir;
}

describe("CallLane.connect to a FIFO lane", () => {
  it("gives up on a pair that never appears, within its timeout, naming the lane", async () => {
    const folder = workerFolder("sbw-empty");
    const started = Date.now();
    await expect(CallLane.connect(`fifo:${folder}`, "token", 200)).rejects.toThrow(
      new RegExp(`could not open the worker's call lane at fifo:${folder}: .*ENOENT`),
    );
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("opens nothing outside a worker's folder, and no file that is not a FIFO", async () => {
    const elsewhere = join(root, "notes");
    mkdirSync(elsewhere);
    await expect(CallLane.connect(`fifo:${elsewhere}`, "token", 200)).rejects.toThrow(
      /not in a worker's sbw-\* folder/,
    );

    const folder = workerFolder("sbw-files");
    writeFileSync(join(folder, "lane.out"), "keep me");
    writeFileSync(join(folder, "lane.in"), "keep me too");
    await expect(CallLane.connect(`fifo:${folder}`, "token", 200)).rejects.toThrow(
      /lane.out is not a worker's lane: it is not a FIFO/,
    );
    expect(readFileSync(join(folder, "lane.in"), "utf8")).toBe("keep me too");
  });

  it("connects to no Unix socket outside a worker's folder", async () => {
    const elsewhere = join(root, "agent");
    mkdirSync(elsewhere);
    await expect(CallLane.connect(`unix:${join(elsewhere, "lane.sock")}`, "token", 200)).rejects.toThrow(
      /is not a worker's lane: it is not in a worker's sbw-\* folder/,
    );
    const folder = workerFolder("sbw-sock");
    writeFileSync(join(folder, "lane.sock"), "");
    await expect(CallLane.connect(`unix:${join(folder, "lane.sock")}`, "token", 200)).rejects.toThrow(
      /it is not a Unix socket/,
    );
  });

  it("refuses TLS for a local FIFO lane", async () => {
    await expect(CallLane.connect(`fifo:${root}`, "token", 200, { ca: "" })).rejects.toThrow(/TLS is for TCP/);
  });
});

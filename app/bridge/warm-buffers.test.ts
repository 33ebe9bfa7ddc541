// Warm buffers for array files: one per recent size, prepared off the loop, never handed out twice, let go when idle.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { takeWorkerArrayFile, warmBuffers } from "./shm-array-file.js";
import { WARM_MIN_BYTES, WarmBuffers } from "./warm-buffers.js";

const MB = 1024 * 1024;
const root = mkdtempSync(join(tmpdir(), "sb-warm-test-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function until(condition: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting until ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe("WarmBuffers", () => {
  it("prepares the next buffer of a size taken, and hands each buffer out once", async () => {
    const warm = new WarmBuffers(8 * MB);
    expect(warm.take(2 * MB)).toBeUndefined(); // none yet: this take starts one
    await until(() => warm.has(2 * MB), "a 2 MB buffer is ready");
    const first = warm.take(2 * MB);
    expect(first?.byteLength).toBe(2 * MB);
    expect(first?.every((byte) => byte === 0)).toBe(true);
    expect(warm.has(2 * MB)).toBe(false);
    await until(() => warm.has(2 * MB), "the next 2 MB buffer is ready");
    const second = warm.take(2 * MB);
    expect(second).toBeDefined();
    expect(second?.buffer).not.toBe(first?.buffer);
    warm.clear();
  });

  it("never prepares sizes too small to be worth it or too large to hold", async () => {
    const warm = new WarmBuffers(4 * MB);
    for (const size of [0, WARM_MIN_BYTES - 1, 4 * MB + 1]) expect(warm.take(size)).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 50));
    for (const size of [0, WARM_MIN_BYTES - 1, 4 * MB + 1]) expect(warm.has(size)).toBe(false);
  });

  it("keeps two sizes ready at most, the least recently taken dropped first", async () => {
    const warm = new WarmBuffers(8 * MB);
    for (const size of [1, 2, 3].map((n) => n * MB)) {
      warm.take(size);
      await until(() => warm.has(size), `a ${size}-byte buffer is ready`);
    }
    expect([warm.has(1 * MB), warm.has(2 * MB), warm.has(3 * MB)]).toEqual([false, true, true]);
    warm.clear();
    expect(warm.has(3 * MB)).toBe(false);
  });

  it("lets its buffers go once idle", async () => {
    const warm = new WarmBuffers(8 * MB, 100);
    warm.take(MB);
    await until(() => warm.has(MB), "a buffer is ready");
    await until(() => !warm.has(MB), "the idle buffer is let go");
  });

  it("prepares no more sizes at once than it keeps, however many sizes come", async () => {
    const warm = new WarmBuffers(64 * MB);
    for (let n = 1; n <= 12; n++) warm.take(n * MB); // 78 MB of buffers, were they all prepared
    await new Promise((resolve) => setTimeout(resolve, 300));
    const ready = Array.from({ length: 12 }, (_, i) => warm.has((i + 1) * MB)).filter(Boolean).length;
    expect(ready).toBe(2);
    expect(warm.has(MB) && warm.has(2 * MB)).toBe(true); // the first two, not the last ones pushing them out
    warm.clear();
  });

  it("stops preparing, and says why, after failures in a row where buffers cannot be faulted in", async () => {
    const warm = new WarmBuffers(8 * MB, 10_000, join(root, "no-such-zeros"));
    for (let i = 0; i < 2; i++) {
      expect(warm.take(MB)).toBeUndefined();
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(warm.unavailable).toBeUndefined(); // one failure may pass (out of descriptors for a moment)
    }
    expect(warm.take(MB)).toBeUndefined();
    await until(() => warm.unavailable !== undefined, "the failure is recorded");
    expect(warm.unavailable).toMatch(/could not prepare a 1048576-byte buffer from .*no-such-zeros: .*ENOENT/);
    expect(warm.take(MB)).toBeUndefined();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(warm.has(MB)).toBe(false);
  });
});

describe("array files read into warm buffers", () => {
  it("reads each file's own bytes, and never into a buffer already handed out", async () => {
    const dir = join(root, "sbw-warm");
    mkdirSync(dir, { mode: 0o700 });
    const size = 2 * MB;
    const taken: Buffer[] = [];
    for (let i = 0; i < 3; i++) {
      const file = join(dir, `nd-${i}`);
      writeFileSync(file, Buffer.alloc(size, i + 1));
      taken.push(takeWorkerArrayFile(file));
      await until(() => warmBuffers.has(size), "the next buffer of that size is ready");
    }
    taken.forEach((bytes, i) => {
      expect(bytes.byteLength).toBe(size);
      expect(bytes.every((byte) => byte === i + 1)).toBe(true);
    });
    expect(new Set(taken.map((bytes) => bytes.buffer)).size).toBe(3);
    warmBuffers.clear();
  });
});

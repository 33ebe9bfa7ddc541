// A worker that swaps its array file after the host checked it: the host reads no link, and says what failed.
import { existsSync, lstatSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, unlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it, vi } from "vitest";
import { PythonError } from "./python-error.js";
import { FREE_SUFFIX, takeWorkerArrayFile } from "./shm-array-file.js";

// What the worker does the moment the host's check of a path returns (the race window), per path.
const afterCheck = new Map<string, () => void>();
vi.mock("./worker-files.js", async (importOriginal) => {
  const original = await importOriginal<typeof import("./worker-files.js")>();
  return {
    ...original,
    checkWorkerFile: (...args: Parameters<typeof original.checkWorkerFile>) => {
      const verdict = original.checkWorkerFile(...args);
      afterCheck.get(args[0])?.();
      return verdict;
    },
  };
});

const root = mkdtempSync(join(tmpdir(), "sb-shm-race-test-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function workerFolder(name: string): string {
  const dir = join(root, name);
  mkdirSync(dir, { mode: 0o700 });
  return dir;
}

function failure(path: string): PythonError {
  try {
    takeWorkerArrayFile(path);
  } catch (error) {
    expect(error).toBeInstanceOf(PythonError);
    return error as PythonError;
  }
  throw new Error(`${path} was read`);
}

describe("takeWorkerArrayFile against a worker that changes the file after the check", () => {
  it("does not read through a link swapped in for the checked file", () => {
    const secret = join(root, "secret");
    writeFileSync(secret, "not for the worker's caller");
    const file = join(workerFolder("sbw-swap"), "nd-1");
    writeFileSync(file, Buffer.from([1, 2, 3]));
    afterCheck.set(file, () => {
      unlinkSync(file);
      symlinkSync(secret, file);
    });
    const error = failure(file);
    expect(error.classification).toBe("serialization_error");
    expect(error.message).toMatch(/could not read the ndarray file .*nd-1/);
    expect(lstatSync(file + FREE_SUFFIX).isSymbolicLink()).toBe(true); // the link itself was handed back, not followed
    expect(existsSync(secret)).toBe(true);
  });

  it("reports the read's failure when the file is gone before it is read", () => {
    const file = join(workerFolder("sbw-gone"), "nd-2");
    writeFileSync(file, Buffer.from([4]));
    afterCheck.set(file, () => unlinkSync(file));
    const error = failure(file);
    expect(error.classification).toBe("serialization_error");
    expect(error.message).toMatch(/could not read the ndarray file .*nd-2.*ENOENT/);
  });
});

// A worker that swaps its array file after the host checked it: the host reads no link, and says what failed.
import {
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  unlinkSync,
  writeFileSync,
} from "node:fs";
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
    expect(lstatSync(file).isSymbolicLink()).toBe(true); // not the checked file: left where it is
    expect(existsSync(file + FREE_SUFFIX)).toBe(false);
    expect(existsSync(secret)).toBe(true);
  });

  it("neither reads nor moves a file elsewhere when the worker swaps its folder for a link", () => {
    const elsewhere = join(root, "elsewhere");
    mkdirSync(elsewhere);
    writeFileSync(join(elsewhere, "nd-3"), "the user's own file, outside any worker folder");
    const folder = workerFolder("sbw-folder-swap");
    const file = join(folder, "nd-3");
    writeFileSync(file, Buffer.from([1, 2, 3]));
    afterCheck.set(file, () => {
      renameSync(folder, `${folder}-old`);
      symlinkSync(elsewhere, folder);
    });
    const error = failure(file);
    expect(error.message).toMatch(/another file took its place after the host checked it/);
    expect(readFileSync(join(elsewhere, "nd-3"), "utf8")).toBe("the user's own file, outside any worker folder");
    expect(existsSync(join(elsewhere, `nd-3${FREE_SUFFIX}`))).toBe(false);
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

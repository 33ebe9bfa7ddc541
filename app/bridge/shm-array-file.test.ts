// The host reads and removes only a worker's own array files, whatever path the worker names.
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  statSync,
  symlinkSync,
  truncateSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { PythonError } from "./python-error.js";
import { RECYCLE_MAX_BYTES, FREE_SUFFIX, takeWorkerArrayFile } from "./shm-array-file.js";

const root = mkdtempSync(join(tmpdir(), "sb-shm-file-test-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A folder like a worker's scratch folder (0700 unless told otherwise). */
function folder(name: string, mode = 0o700): string {
  const dir = join(root, name);
  mkdirSync(dir, { recursive: true });
  chmodSync(dir, mode);
  return dir;
}

function refusal(path: string): string {
  try {
    takeWorkerArrayFile(path);
  } catch (error) {
    expect(error).toBeInstanceOf(PythonError);
    return (error as PythonError).message;
  }
  throw new Error(`${path} was accepted`);
}

describe("takeWorkerArrayFile", () => {
  it("reads a worker's array file once and hands it back to the worker for its next array", () => {
    const file = join(folder("sbw-ok"), "nd-1");
    writeFileSync(file, Buffer.from([1, 2, 3]));
    const inode = statSync(file).ino;
    expect([...takeWorkerArrayFile(file)]).toEqual([1, 2, 3]);
    expect(existsSync(file)).toBe(false);
    expect(statSync(file + FREE_SUFFIX).ino).toBe(inode);
  });

  it("removes a file too large to keep, and one that was already handed back", () => {
    const dir = folder("sbw-large");
    const large = join(dir, "nd-large");
    writeFileSync(large, "");
    truncateSync(large, RECYCLE_MAX_BYTES + 8); // sparse: no disk is written
    expect(takeWorkerArrayFile(large).byteLength).toBe(RECYCLE_MAX_BYTES + 8);
    expect(existsSync(large) || existsSync(large + FREE_SUFFIX)).toBe(false);

    const named = join(dir, `nd-2${FREE_SUFFIX}`); // a worker naming a free file as a result
    writeFileSync(named, Buffer.from([4]));
    expect([...takeWorkerArrayFile(named)]).toEqual([4]);
    expect(existsSync(named) || existsSync(named + FREE_SUFFIX)).toBe(false);
  });

  it("refuses, and leaves alone, a file outside a worker's folder", () => {
    const file = join(folder("precious"), "nd-notes");
    writeFileSync(file, "keep me");
    expect(refusal(file)).toMatch(/not in a worker's sbw-\* folder/);
    expect(existsSync(file)).toBe(true);
  });

  it("refuses another file in a worker's folder, a link, a traversal and an open folder", () => {
    const dir = folder("sbw-a");
    writeFileSync(join(dir, "owner.json"), "{}");
    expect(refusal(join(dir, "owner.json"))).toMatch(/name does not start with nd-/);
    expect(existsSync(join(dir, "owner.json"))).toBe(true);

    const target = join(folder("elsewhere"), "secret");
    writeFileSync(target, "secret");
    symlinkSync(target, join(dir, "nd-link"));
    expect(refusal(join(dir, "nd-link"))).toMatch(/not a regular file/);
    expect(existsSync(target)).toBe(true);

    expect(refusal(`${dir}/../sbw-a/nd-x`)).toMatch(/not a plain absolute path/);
    expect(refusal("sbw-a/nd-x")).toMatch(/not a plain absolute path/);

    const open = join(folder("sbw-open", 0o755), "nd-2");
    writeFileSync(open, "x");
    expect(refusal(open)).toMatch(/open to other users/);
    expect(existsSync(open)).toBe(true);
  });
});

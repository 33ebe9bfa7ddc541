// The shared-memory file a local worker hands an ndarray through: read once, then handed back for reuse or removed.
// The worker names the path, so the host checks it first: a worker (user code, or a hostile one) must not make the
// host read, rename or delete any other file this user owns.
import { lstatSync, readFileSync, renameSync, unlinkSync } from "node:fs";
import { basename, dirname } from "node:path";
import { describeError } from "../base/index.js";
import { PythonError } from "./python-error.js";

/** Where workers write array files (python/snakebridge_worker/process/scratch.py): nd- files in sbw- folders. */
const FOLDER_PREFIX = "sbw-";
const FILE_PREFIX = "nd-";
/**
 * A file read is handed back to its worker under this name (python/snakebridge_worker/runtime/array_files.py), which
 * overwrites it for its next array: a fresh file costs the kernel a page allocation on both sides (about 4 ms for
 * 8 MB in the worker, 1 ms to delete here), which was half of an 8 MB result's time.
 */
export const RECYCLED_SUFFIX = ".free";
/** Larger files are deleted: a worker keeps at most two handed-back files, so this bounds its idle memory. */
export const RECYCLE_MAX_BYTES = 32 * 1024 * 1024;

/**
 * Reads a worker's array file, then hands it back for reuse (up to RECYCLE_MAX_BYTES) or removes it; refuses any
 * path that is not one (with why, and without touching it).
 */
export function takeWorkerArrayFile(path: string): Buffer {
  const checked = checkArrayFile(path);
  if (typeof checked === "string") {
    throw PythonError.bridge(
      "serialization_error",
      `the worker named ${JSON.stringify(path)} as an ndarray's shared-memory file, and the host refused it: ${checked}`,
    );
  }
  try {
    return readFileSync(path);
  } finally {
    if (checked.size <= RECYCLE_MAX_BYTES && !path.endsWith(RECYCLED_SUFFIX)) renameSync(path, path + RECYCLED_SUFFIX);
    else unlinkSync(path);
  }
}

/** The size of a worker's own array file; else what is wrong with `path`. */
function checkArrayFile(path: string): { size: number } | string {
  const folder = dirname(path);
  if (!path.startsWith("/") || path.includes("/../") || path.includes("/./")) return "it is not a plain absolute path";
  if (!basename(path).startsWith(FILE_PREFIX)) return `its name does not start with ${FILE_PREFIX}`;
  if (!basename(folder).startsWith(FOLDER_PREFIX)) return `it is not in a worker's ${FOLDER_PREFIX}* folder`;
  const uid = process.getuid?.();
  try {
    const file = lstatSync(path);
    if (!file.isFile()) return "it is not a regular file (a link, or something else)";
    const dir = lstatSync(folder);
    if (!dir.isDirectory()) return "its folder is not a directory";
    if (uid !== undefined && (file.uid !== uid || dir.uid !== uid)) return "it is not this user's";
    if ((dir.mode & 0o077) !== 0) return "its folder is open to other users (a worker's is 0700)";
    return { size: file.size };
  } catch (error) {
    return describeError(error);
  }
}

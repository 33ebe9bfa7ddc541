// The shared-memory file a local worker hands an ndarray through: read once, then removed. The worker names the
// path, so the host checks it first: a worker (user code, or a hostile one) must not make the host read or delete
// any other file this user owns.
import { lstatSync, readFileSync, unlinkSync } from "node:fs";
import { basename, dirname } from "node:path";
import { describeError } from "../base/index.js";
import { PythonError } from "./python-error.js";

/** Where workers write array files (python/snakebridge_worker/process/scratch.py): nd- files in sbw- folders. */
const FOLDER_PREFIX = "sbw-";
const FILE_PREFIX = "nd-";

/** Reads and removes a worker's array file; refuses any path that is not one (with why, and without touching it). */
export function takeWorkerArrayFile(path: string): Buffer {
  const refusal = whyNotArrayFile(path);
  if (refusal !== undefined) {
    throw PythonError.bridge(
      "serialization_error",
      `the worker named ${JSON.stringify(path)} as an ndarray's shared-memory file, and the host refused it: ${refusal}`,
    );
  }
  try {
    return readFileSync(path);
  } finally {
    unlinkSync(path);
  }
}

/** Undefined for a worker's own array file; else what is wrong with `path`. */
function whyNotArrayFile(path: string): string | undefined {
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
  } catch (error) {
    return describeError(error);
  }
  return undefined;
}

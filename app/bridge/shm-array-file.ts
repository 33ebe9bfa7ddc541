// The shared-memory file a local worker hands an ndarray through: read once, then handed back for reuse or removed.
// The worker names the path, so the host checks it first: a worker (user code, or a hostile one) must not make the
// host read, rename or delete any other file this user owns.
import {
  closeSync,
  constants,
  fstatSync,
  lstatSync,
  openSync,
  readFileSync,
  readSync,
  renameSync,
  unlinkSync,
} from "node:fs";
import { describeError } from "../base/index.js";
import { PythonError } from "./python-error.js";
import { WarmBuffers } from "./warm-buffers.js";
import { checkWorkerFile, isCheckedFile, type CheckedWorkerFile, type WorkerFileKind } from "./worker-files.js";

/** Where workers write array files (python/snakebridge_worker/runtime/array_files.py): nd- files. */
const ARRAY_FILE: WorkerFileKind = { prefix: "nd-", kind: "file" };
/**
 * A file read is handed back to its worker under this name (FREE_SUFFIX in python/.../runtime/array_files.py), which
 * overwrites it for its next array: a fresh file costs the kernel a page allocation on both sides (about 4 ms for
 * 8 MB in the worker, 1 ms to delete here), which was half of an 8 MB result's time.
 */
export const FREE_SUFFIX = ".free";
/** Larger files are deleted: a worker keeps at most two handed-back files, so this bounds its idle memory. */
export const RECYCLE_MAX_BYTES = 32 * 1024 * 1024;
// Never through a link: the file was checked by name, and a link swapped in since must not be read through.
const READ_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW;
/** Buffers made ready for the next array file of a size just read (warm-buffers.ts); shared by every bridge. */
export const warmBuffers = new WarmBuffers(RECYCLE_MAX_BYTES);

/**
 * Reads a worker's array file, then hands it back for reuse (up to RECYCLE_MAX_BYTES) or removes it; refuses any
 * path that is not one (with why, and without touching it).
 */
export function takeWorkerArrayFile(path: string): Buffer {
  const checked = checkWorkerFile(path, ARRAY_FILE);
  if ("refused" in checked) {
    throw PythonError.bridge(
      "serialization_error",
      `the worker named ${JSON.stringify(path)} as an ndarray's shared-memory file, and the host refused it: ${checked.refused}`,
    );
  }
  try {
    return readArrayFile(path, checked);
  } catch (error) {
    throw PythonError.bridge(
      "serialization_error",
      `the host could not read the ndarray file ${JSON.stringify(path)} that the worker named: ${describeError(error)}`,
    );
  } finally {
    handBack(path, checked);
  }
}

/** The file's bytes: into a warm buffer when one of its size is ready, else into a fresh one. */
function readArrayFile(path: string, checked: CheckedWorkerFile): Buffer {
  const { size } = checked;
  const fd = openSync(path, READ_FLAGS);
  try {
    const file = fstatSync(fd);
    if (!isCheckedFile(file, checked)) throw new Error("another file took its place after the host checked it");
    // The size the open file has now: the name was checked a moment ago, and a worker could still change it.
    const opened = file.size;
    const buffer = opened === size ? warmBuffers.take(size) : undefined;
    if (buffer === undefined) return readFileSync(fd);
    for (let at = 0; at < size;) {
      const read = readSync(fd, buffer, at, size - at, at);
      if (read === 0) throw new Error(`it ended after ${at} of its ${size} bytes (the worker changed it meanwhile)`);
      at += read;
    }
    return buffer;
  } finally {
    closeSync(fd);
  }
}

function handBack(path: string, checked: CheckedWorkerFile): void {
  try {
    // Only the file that was checked: a path that names anything else now (a link, another file) is left alone.
    const now = lstatSync(path);
    if (!now.isFile() || !isCheckedFile(now, checked)) return;
    if (checked.size <= RECYCLE_MAX_BYTES && !path.endsWith(FREE_SUFFIX)) renameSync(path, path + FREE_SUFFIX);
    else unlinkSync(path);
  } catch (error) {
    // Gone already (the worker removed it, or exited and took its folder along): nothing is left to hand back,
    // and the read's own error, if there was one, is the one to report.
    if (!(error instanceof Error && "code" in error && error.code === "ENOENT")) throw error;
  }
}

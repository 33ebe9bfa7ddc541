// A worker names paths to the host (its ndarray files, its call lane's FIFOs); the host uses only its own kind of
// file in a worker's private folder: a 0700 sbw-* folder of this user (python/snakebridge_worker/process/scratch.py).
// A worker (user code in it, or a remote one lying in its handshake) must not make the host read, write, rename or
// delete any other file this user owns.
import { lstatSync } from "node:fs";
import { basename, dirname } from "node:path";
import { describeError } from "../base/index.js";

const FOLDER_PREFIX = "sbw-";

/** What a worker file must be: its name's start, and a regular file, a FIFO or a Unix socket. */
export interface WorkerFileKind {
  prefix: string;
  kind: "file" | "fifo" | "socket";
}

/** Why the host refuses a path; `missing` when it is only not there (yet). */
export interface WorkerFileRefusal {
  refused: string;
  missing: boolean;
}

/** A worker file the host checked: its size, and which file it is (to tell it from one swapped in afterwards). */
export interface CheckedWorkerFile {
  size: number;
  dev: number;
  ino: number;
}

/** The size and identity of a worker's own file of this kind; else why `path` is refused. */
export function checkWorkerFile(path: string, expected: WorkerFileKind): CheckedWorkerFile | WorkerFileRefusal {
  const refuse = (refused: string): WorkerFileRefusal => ({ refused, missing: false });
  const folder = dirname(path);
  if (!path.startsWith("/") || path.includes("/../") || path.includes("/./"))
    return refuse("it is not a plain absolute path");
  if (!basename(path).startsWith(expected.prefix)) return refuse(`its name does not start with ${expected.prefix}`);
  if (!basename(folder).startsWith(FOLDER_PREFIX)) return refuse(`it is not in a worker's ${FOLDER_PREFIX}* folder`);
  const uid = process.getuid?.();
  try {
    const file = lstatSync(path);
    if (expected.kind === "file" && !file.isFile())
      return refuse("it is not a regular file (a link, or something else)");
    if (expected.kind === "fifo" && !file.isFIFO()) return refuse("it is not a FIFO (a link, or something else)");
    if (expected.kind === "socket" && !file.isSocket())
      return refuse("it is not a Unix socket (a link, or something else)");
    const dir = lstatSync(folder);
    if (!dir.isDirectory()) return refuse("its folder is not a directory");
    if (uid !== undefined && (file.uid !== uid || dir.uid !== uid)) return refuse("it is not this user's");
    if ((dir.mode & 0o077) !== 0) return refuse("its folder is open to other users (a worker's is 0700)");
    return { size: file.size, dev: file.dev, ino: file.ino };
  } catch (error) {
    const missing = error instanceof Error && "code" in error && error.code === "ENOENT";
    return { refused: describeError(error), missing };
  }
}

/**
 * Whether `file` (a stat of what a path or descriptor names now) is the file that was checked. O_NOFOLLOW covers the
 * file's own name; a worker that swaps its folder for a link in between would have the path name a file elsewhere.
 */
export function isCheckedFile(file: { dev: number; ino: number }, checked: CheckedWorkerFile): boolean {
  return file.dev === checked.dev && file.ino === checked.ino;
}

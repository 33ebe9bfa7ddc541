// The workspace folder: paths confined to it, atomic writes, and a listing of what it holds.
import { randomBytes } from "node:crypto";
import { lstat, mkdir, readdir, readFile, realpath, rename, rm, stat, writeFile } from "node:fs/promises";
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import type { WorkspaceFile } from "../../api/workbench-api.js";
import { RequestError } from "./api-errors.js";

/** Folders the listing skips: generated code, caches and dependencies are not workspace documents. */
const SKIPPED_FOLDERS = new Set(["node_modules", ".git", ".snakebridge", "__pycache__", ".ipynb_checkpoints"]);
const MAX_LISTED_FILES = 5_000;

/** File-system failures a request can cause, as the API error the user can act on. */
const FS_ERRORS: Readonly<Record<string, { code: "bad_request" | "not_found"; say: string }>> = {
  ENOENT: { code: "not_found", say: "does not exist" },
  ENOTDIR: { code: "not_found", say: "does not exist (a folder on the way is a file)" },
  EISDIR: { code: "bad_request", say: "is a folder, not a file" },
  ENAMETOOLONG: { code: "bad_request", say: "has a name too long for the file system" },
  ELOOP: { code: "bad_request", say: "goes through a loop of symbolic links" },
  EACCES: { code: "bad_request", say: "is not accessible: the file system denied permission" },
  EPERM: { code: "bad_request", say: "is not accessible: the file system denied permission" },
  EEXIST: { code: "bad_request", say: "already exists as something else" },
  EROFS: { code: "bad_request", say: "is on a read-only file system" },
  ENOSPC: { code: "bad_request", say: "cannot be written: the disk is full" },
  EFBIG: { code: "bad_request", say: "is too large for the file system" },
};

/** Longest path accepted before touching the disk (PATH_MAX on Linux). */
const MAX_PATH_CHARS = 4096;

/**
 * A folder the host reads and writes user documents in. Every path given to it is relative and
 * stays inside: lexically (`resolve`), and by real path with symlinks followed (`resolveReal`,
 * `confine`, and every read and write), so a link in an untrusted workspace cannot lead out.
 */
export class WorkspaceFolder {
  #realRoot: Promise<string> | undefined;

  constructor(readonly root: string) {}

  /** The absolute path of `path` (relative to the workspace); rejects paths that leave the folder as text. */
  resolve(path: string): string {
    if (typeof path !== "string" || path.trim() === "" || path.includes("\0")) {
      throw new RequestError(
        "bad_request",
        `"${String(path).replace(/\0/g, "\\0")}" is not a path; give one relative to the workspace ${this.root}`,
      );
    }
    if (path.length > MAX_PATH_CHARS)
      throw new RequestError(
        "bad_request",
        `a path of ${path.length} characters is longer than the file system allows (${MAX_PATH_CHARS})`,
      );
    if (isAbsolute(path))
      throw new RequestError(
        "forbidden",
        `"${path}" is absolute, not a path inside the workspace; the workbench only touches files there: give it relative to ${this.root}`,
      );
    const absolute = resolve(this.root, path);
    if (!isInsideOrSame(this.root, absolute) || absolute === this.root) {
      throw new RequestError("forbidden", `"${path}" points outside the workspace ${this.root}`);
    }
    return absolute;
  }

  /** The path relative to the workspace, with forward slashes. */
  relative(absolute: string): string {
    return relative(this.root, absolute).split(sep).join("/");
  }

  /**
   * The real path `path` names inside the workspace, symlinks followed. An existing target must
   * resolve inside; a missing one is judged by its nearest existing folder, so a new file cannot be
   * created through a link that leads out. Throws `forbidden` when it would leave the workspace.
   */
  async resolveReal(path: string): Promise<string> {
    return this.#confined(this.resolve(path), path);
  }

  /** Like resolveReal for an absolute path the host computed (an SDK's out_dir, a run's output folder). */
  async confine(absolute: string, shown: string = absolute): Promise<string> {
    if (!isInsideOrSame(this.root, resolve(absolute)))
      throw new RequestError("forbidden", `"${shown}" is outside the workspace ${this.root}`);
    return this.#confined(resolve(absolute), shown);
  }

  async #confined(absolute: string, shown: string): Promise<string> {
    const root = await this.#root();
    let missing = "";
    let existing = absolute;
    for (;;) {
      try {
        const real = await realpath(existing);
        if (!isInsideOrSame(root, real)) {
          throw new RequestError(
            "forbidden",
            `"${shown}" leads outside the workspace ${this.root} (through a symbolic link to ${real})`,
          );
        }
        return missing === "" ? real : join(real, missing);
      } catch (error) {
        if (error instanceof RequestError) throw error;
        const code = (error as NodeJS.ErrnoException).code;
        if (code !== "ENOENT") throw fsError(error, shown);
        // A dangling link is not a missing file: writing "to" it would create its target, wherever that is.
        if (
          await lstat(existing).then(
            (info) => info.isSymbolicLink(),
            () => false,
          )
        ) {
          throw new RequestError(
            "forbidden",
            `"${shown}" goes through a symbolic link whose target does not exist; the workbench does not create files through links`,
          );
        }
        const parent = dirname(existing);
        if (parent === existing) throw fsError(error, shown);
        missing = missing === "" ? basename(existing) : join(basename(existing), missing);
        existing = parent;
      }
    }
  }

  #root(): Promise<string> {
    this.#realRoot ??= realpath(this.root).catch((error: unknown) => {
      this.#realRoot = undefined;
      throw fsError(error, this.root);
    });
    return this.#realRoot;
  }

  /** A file's modification time in epoch ms (the same clock write returns). */
  async modifiedAt(path: string): Promise<number> {
    const real = await this.resolveReal(path);
    try {
      return (await stat(real)).mtimeMs;
    } catch (error) {
      throw fsError(error, path);
    }
  }

  /** Reads a UTF-8 file. */
  async read(path: string): Promise<string> {
    const real = await this.resolveReal(path);
    try {
      return await readFile(real, "utf8");
    } catch (error) {
      throw fsError(error, path);
    }
  }

  /** Writes a file atomically (temp file in the same folder, then rename); returns its mtime in epoch ms. */
  async write(path: string, text: string): Promise<number> {
    // Writing to the real path keeps a link inside the workspace a link, and never writes through one that leaves.
    const real = await this.resolveReal(path);
    const temp = join(dirname(real), `.${randomBytes(6).toString("hex")}.tmp`);
    try {
      await mkdir(dirname(real), { recursive: true });
      // Created since the check? Check again now the folders exist (a link could have been put on the way).
      await this.confine(dirname(real), path);
      await writeFile(temp, text, { encoding: "utf8", flag: "wx" });
      await rename(temp, real);
      return (await stat(real)).mtimeMs;
    } catch (error) {
      await rm(temp, { force: true });
      if (error instanceof RequestError) throw error;
      throw fsError(error, path);
    }
  }

  /** True when the file exists. */
  async exists(path: string): Promise<boolean> {
    return stat(await this.resolveReal(path)).then(
      () => true,
      () => false,
    );
  }

  /** Every document in the workspace, newest first, classified by name. */
  async list(): Promise<WorkspaceFile[]> {
    const files: WorkspaceFile[] = [];
    const walk = async (folder: string): Promise<void> => {
      const entries = await readdir(folder, { withFileTypes: true });
      for (const entry of entries) {
        if (files.length >= MAX_LISTED_FILES) return;
        const absolute = join(folder, entry.name);
        if (entry.isDirectory()) {
          if (!SKIPPED_FOLDERS.has(entry.name)) await walk(absolute);
        } else if (entry.isFile() && !entry.name.endsWith(".tmp")) {
          const path = this.relative(absolute);
          files.push({ path, kind: classify(path), modifiedAt: (await stat(absolute)).mtimeMs });
        }
      }
    };
    await walk(this.root);
    return files.sort((a, b) => a.path.localeCompare(b.path));
  }
}

/** True when `path` is `root` or below it. Names that merely start with ".." (like "..notes") are inside. */
function isInsideOrSame(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (rel !== ".." && !rel.startsWith(`..${sep}`) && !isAbsolute(rel));
}

/** A file-system error as the API error a user can act on; unknown ones stay internal (a host bug). */
function fsError(error: unknown, shown: string): unknown {
  const known = FS_ERRORS[(error as NodeJS.ErrnoException | undefined)?.code ?? ""];
  return known ? new RequestError(known.code, `"${shown}" ${known.say}`) : error;
}

/** What a workspace file is, from its name. */
export function classify(path: string): WorkspaceFile["kind"] {
  const lower = path.toLowerCase();
  if (lower.endsWith(".ipynb")) return "notebook";
  if (/\.(manifest|snakebridge)\.(ya?ml|json)$/.test(lower) || /(^|\/)manifests\/[^/]+\.(ya?ml|json)$/.test(lower))
    return "manifest";
  if (/\.run\.(ya?ml|json)$/.test(lower) || /(^|\/)runs?\/[^/]+\.(ya?ml|json)$/.test(lower)) return "run-config";
  return "other";
}

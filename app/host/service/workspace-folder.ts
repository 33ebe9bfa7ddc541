// The workspace folder: paths confined to it, atomic writes, and a listing of what it holds.
import { randomBytes } from "node:crypto";
import { mkdir, readdir, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname, isAbsolute, join, relative, resolve, sep } from "node:path";
import type { WorkspaceFile } from "../../api/workbench-api.js";
import { RequestError } from "./api-errors.js";

/** Folders the listing skips: generated code, caches and dependencies are not workspace documents. */
const SKIPPED_FOLDERS = new Set(["node_modules", ".git", ".snakebridge", "__pycache__", ".ipynb_checkpoints"]);
const MAX_LISTED_FILES = 5_000;

/** A folder the host reads and writes user documents in; every path given to it is relative and stays inside. */
export class WorkspaceFolder {
  constructor(readonly root: string) {}

  /** The absolute path of `path` (relative to the workspace); rejects paths that leave the folder. */
  resolve(path: string): string {
    if (path.trim() === "" || isAbsolute(path) || path.includes("\0")) {
      throw new RequestError("bad_request", `"${path}" is not a path inside the workspace; give it relative to ${this.root}`);
    }
    const absolute = resolve(this.root, path);
    const inside = relative(this.root, absolute);
    if (inside === "" || inside.startsWith("..") || isAbsolute(inside)) {
      throw new RequestError("bad_request", `"${path}" points outside the workspace ${this.root}`);
    }
    return absolute;
  }

  /** The path relative to the workspace, with forward slashes. */
  relative(absolute: string): string {
    return relative(this.root, absolute).split(sep).join("/");
  }

  /** Reads a UTF-8 file. */
  async read(path: string): Promise<string> {
    const absolute = this.resolve(path);
    try {
      return await readFile(absolute, "utf8");
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT") throw new RequestError("not_found", `no file "${path}" in the workspace ${this.root}`);
      throw error;
    }
  }

  /** Writes a file atomically (temp file in the same folder, then rename); returns its mtime in epoch ms. */
  async write(path: string, text: string): Promise<number> {
    const absolute = this.resolve(path);
    await mkdir(dirname(absolute), { recursive: true });
    const temp = join(dirname(absolute), `.${randomBytes(6).toString("hex")}.tmp`);
    try {
      await writeFile(temp, text, "utf8");
      await rename(temp, absolute);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
    return (await stat(absolute)).mtimeMs;
  }

  /** True when the file exists. */
  async exists(path: string): Promise<boolean> {
    return stat(this.resolve(path)).then(() => true, () => false);
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

/** What a workspace file is, from its name. */
export function classify(path: string): WorkspaceFile["kind"] {
  const lower = path.toLowerCase();
  if (lower.endsWith(".ipynb")) return "notebook";
  if (/\.(manifest|snakebridge)\.(ya?ml|json)$/.test(lower) || /(^|\/)manifests\/[^/]+\.(ya?ml|json)$/.test(lower)) return "manifest";
  if (/\.run\.(ya?ml|json)$/.test(lower) || /(^|\/)runs?\/[^/]+\.(ya?ml|json)$/.test(lower)) return "run-config";
  return "other";
}

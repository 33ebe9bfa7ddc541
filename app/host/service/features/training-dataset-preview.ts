// training.preview: the first rows of a JSONL dataset in the workspace, for the new-run form.
import { createReadStream } from "node:fs";
import { createInterface } from "node:readline";

import type { WorkspaceFolder } from "../workspace-folder.js";

const MAX_PREVIEW_ROWS = 50;
/** Longer strings are cut in the preview: a row is shown in one table line. */
const MAX_FIELD_CHARS = 400;

export interface DatasetPreview {
  rows: Record<string, unknown>[];
  /** Non-empty lines in the file. */
  total: number;
  /** Why the file cannot be trained on as it is (first bad line), or null. */
  error: string | null;
}

/** Reads up to `limit` rows of a workspace JSONL file and counts the rest; a bad line is reported, not thrown. */
export async function datasetPreview(workspace: WorkspaceFolder, path: string, limit: number): Promise<DatasetPreview> {
  const absolute = await workspace.resolveReal(path); // by real path: a link in the workspace cannot lead out
  const wanted = Math.max(1, Math.min(MAX_PREVIEW_ROWS, Math.floor(limit)));
  const rows: Record<string, unknown>[] = [];
  let total = 0;
  let error: string | null = null;
  const lines = createInterface({ input: createReadStream(absolute, "utf8"), crlfDelay: Infinity });
  try {
    let number = 0;
    for await (const line of lines) {
      number += 1;
      if (line.trim() === "") continue;
      total += 1;
      if (rows.length >= wanted) continue;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (parseError) {
        error ??= `${path}:${number}: not valid JSON (${(parseError as Error).message}); each line must be one JSON object`;
        continue;
      }
      if (typeof value !== "object" || value === null || Array.isArray(value)) {
        error ??= `${path}:${number}: expected a JSON object such as {"text": "..."} or {"prompt": "...", "completion": "..."}`;
        continue;
      }
      rows.push(
        Object.fromEntries(
          Object.entries(value).map(([key, field]) => [
            key,
            typeof field === "string" && field.length > MAX_FIELD_CHARS ? `${field.slice(0, MAX_FIELD_CHARS)}…` : field,
          ]),
        ),
      );
    }
  } catch (readError) {
    const code = (readError as NodeJS.ErrnoException).code;
    return {
      rows: [],
      total: 0,
      error:
        code === "ENOENT"
          ? `no file "${path}" in the workspace; check dataset.path`
          : `cannot read ${path}: ${(readError as Error).message}`,
    };
  } finally {
    lines.close();
  }
  if (total === 0 && error === null) error = `${path} has no rows; add JSON lines such as {"text": "..."}`;
  return { rows, total, error };
}

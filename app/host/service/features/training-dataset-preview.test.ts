// training.preview on real files: first rows, the count, and a bad line reported rather than thrown.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";

import { afterAll, describe, expect, it } from "vitest";

import { WorkspaceFolder } from "../workspace-folder.js";
import { datasetPreview } from "./training-dataset-preview.js";

const root = mkdtempSync(join(tmpdir(), "sb-preview-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));
const workspace = new WorkspaceFolder(root);

describe("dataset preview", () => {
  it("shows the first rows and counts them all, cutting long fields", async () => {
    const rows = Array.from({ length: 1000 }, (_, i) =>
      JSON.stringify(i === 0 ? { text: "x".repeat(1000) } : { prompt: `q${i}`, completion: `a${i}` }),
    );
    writeFileSync(join(root, "data.jsonl"), `${rows.join("\n")}\n\n`);
    const preview = await datasetPreview(workspace, "data.jsonl", 3);
    expect(preview.total).toBe(1000);
    expect(preview.error).toBeNull();
    expect(preview.rows).toHaveLength(3);
    expect(String(preview.rows[0]?.["text"])).toHaveLength(401);
    expect(preview.rows[2]).toEqual({ prompt: "q2", completion: "a2" });
  });

  it("reports the first bad line, a missing file, an empty file and a path outside the workspace", async () => {
    writeFileSync(join(root, "bad.jsonl"), '{"text": "ok"}\nnot json\n[1, 2]\n');
    expect((await datasetPreview(workspace, "bad.jsonl", 5)).error).toMatch(/^bad\.jsonl:2: not valid JSON/);
    expect((await datasetPreview(workspace, "missing.jsonl", 5)).error).toContain('no file "missing.jsonl"');
    writeFileSync(join(root, "empty.jsonl"), "\n\n");
    expect((await datasetPreview(workspace, "empty.jsonl", 5)).error).toContain("has no rows");
    await expect(datasetPreview(workspace, "../etc/passwd", 5)).rejects.toThrow(/outside the workspace/);
  });
});

import { beforeEach, describe, expect, it } from "vitest";
import type { WorkspaceFile } from "../api";
import { testClient } from "../client/test-channel";
import { installWorkbenchClient } from "../client/workbench-client";
import { filesOfKind, useWorkspaceFiles, workspaceHas } from "./workspace-files";

const file = (path: string, kind: WorkspaceFile["kind"]): WorkspaceFile => ({ path, kind, modifiedAt: 0 });

describe("workspace files", () => {
  beforeEach(() => useWorkspaceFiles.setState({ files: [] }));

  it("holds one sorted list that each view filters by kind", async () => {
    installWorkbenchClient(
      testClient({
        "workspace.list": () => [
          file("notebooks/b.ipynb", "notebook"),
          file("manifests/z.yaml", "manifest"),
          file("manifests/a.yaml", "manifest"),
          file("training/tiny.run.yaml", "run-config"),
        ],
      }).client,
    );
    await useWorkspaceFiles.getState().refresh();
    const { files } = useWorkspaceFiles.getState();
    expect(files.map((f) => f.path)).toEqual([
      "manifests/a.yaml",
      "manifests/z.yaml",
      "notebooks/b.ipynb",
      "training/tiny.run.yaml",
    ]);
    expect(filesOfKind(files, "manifest").map((f) => f.path)).toEqual(["manifests/a.yaml", "manifests/z.yaml"]);
    expect(filesOfKind(files, "run-config")).toHaveLength(1);
    expect(workspaceHas("notebooks/b.ipynb")).toBe(true);
    expect(workspaceHas("notebooks/c.ipynb")).toBe(false);
  });

  it("keeps the old list when the host cannot list the workspace", async () => {
    useWorkspaceFiles.setState({ files: [file("kept.yaml", "manifest")] });
    installWorkbenchClient(testClient({}).client);
    await expect(useWorkspaceFiles.getState().refresh()).rejects.toThrow("does not answer workspace.list");
    expect(useWorkspaceFiles.getState().files.map((f) => f.path)).toEqual(["kept.yaml"]);
  });
});

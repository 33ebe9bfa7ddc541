import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { ManifestDiagnostic, WorkspaceFile } from "../../api";
import { testClient, type HostAnswers } from "../../client/test-channel";
import { installWorkbenchClient } from "../../client/workbench-client";
import { useWorkspaceFiles } from "../../platform/workspace-files";
import { NEW_MANIFEST_TEMPLATE, useManifestsStore } from "./store";

const initial = useManifestsStore.getState();
const warning: ManifestDiagnostic = {
  severity: "warning",
  message: "numpy is not installed",
  line: 0,
  column: 0,
  endLine: 0,
  endColumn: 0,
  path: "integrations[0]",
};

/** A workspace in memory behind the test channel: list, read and write work on `files`. */
function workspace(files: Record<string, string>, extra: HostAnswers = {}): ReturnType<typeof testClient> {
  const kind = (path: string): WorkspaceFile["kind"] => (path.endsWith(".yaml") ? "manifest" : "other");
  const test = testClient({
    "workspace.list": () => Object.keys(files).map((path) => ({ path, kind: kind(path), modifiedAt: 0 })),
    "workspace.read": ({ path }) => ({ path, text: files[path] ?? "" }),
    "workspace.write": ({ path, text }) => {
      files[path] = text;
      return { path, modifiedAt: 1 };
    },
    "manifests.validate": () => ({ diagnostics: [warning] }),
    ...extra,
  });
  installWorkbenchClient(test.client);
  return test;
}

describe("manifests store", () => {
  beforeEach(() => {
    useManifestsStore.setState(initial, true);
    useWorkspaceFiles.setState({ files: [] });
  });
  afterEach(() => vi.useRealTimers());

  it("creates a manifest from the template under manifests/, lists it and opens it validated", async () => {
    const files: Record<string, string> = {};
    workspace(files);
    await useManifestsStore.getState().createNew("vision");
    await vi.waitFor(() => expect(useManifestsStore.getState().validating).toBe(false));
    const state = useManifestsStore.getState();
    expect(files).toEqual({ "manifests/vision.yaml": NEW_MANIFEST_TEMPLATE });
    expect(useWorkspaceFiles.getState().files.map((file) => file.path)).toEqual(["manifests/vision.yaml"]);
    expect(state.path).toBe("manifests/vision.yaml");
    expect(state.text).toBe(NEW_MANIFEST_TEMPLATE);
    expect(state.diagnostics).toEqual([warning]);
  });

  it("refuses unusable names and names the workspace already has", async () => {
    const { channel } = workspace({ "manifests/taken.yaml": "version: 1\n" });
    await useManifestsStore.getState().createNew("bad name!");
    expect(useManifestsStore.getState().error).toMatch(/^"bad name!" is not a usable file name/);
    await useManifestsStore.getState().loadFiles();
    await useManifestsStore.getState().createNew("taken");
    expect(useManifestsStore.getState().error).toBe(
      "manifests/taken.yaml already exists; pick another name or open it from the list.",
    );
    expect(channel.methods()).toEqual(["workspace.list"]);
  });

  it("validates once after a pause in typing, and saves what was typed", async () => {
    vi.useFakeTimers();
    const files: Record<string, string> = { "manifests/a.yaml": "version: 1\n" };
    const { channel } = workspace(files);
    await useManifestsStore.getState().open("manifests/a.yaml");
    await vi.runAllTimersAsync();
    const validationsBefore = channel.methods().filter((method) => method === "manifests.validate").length;

    useManifestsStore.getState().edit("version: 1\n#");
    useManifestsStore.getState().edit("version: 1\n# c");
    useManifestsStore.getState().edit("version: 1\n# c"); // the editor echoing the text is no edit
    await vi.advanceTimersByTimeAsync(400);
    expect(channel.methods().filter((method) => method === "manifests.validate").length).toBe(validationsBefore + 1);

    await useManifestsStore.getState().save();
    expect(files["manifests/a.yaml"]).toBe("version: 1\n# c");
    expect(useManifestsStore.getState().savedText).toBe("version: 1\n# c");
  });

  it("adds a described function to a new manifest when none is open, and says so", async () => {
    const files: Record<string, string> = {};
    workspace(files);
    await useManifestsStore.getState().addToManifest({ module: "difflib", kind: "function", path: "difflib.ndiff" });
    const state = useManifestsStore.getState();
    expect(state.path).toBe("manifests/difflib.yaml");
    expect(state.text).toContain("ndiff");
    expect(state.notice).toBe("Added ndiff to manifests/difflib.yaml (not saved yet).");
    expect(state.text).not.toBe(state.savedText);
  });
});

import { spawnSync } from "node:child_process";

import { describe, expect, it } from "vitest";

import { checkParams, isRequestName } from "./request-params.js";

describe("request params", () => {
  it("are checked against schemas generated from WorkbenchRequests, and those are up to date", () => {
    const check = spawnSync(process.execPath, ["scripts/generate-request-schemas.mjs", "--check"], {
      encoding: "utf8",
    });
    expect(check.status, check.stderr).toBe(0);
  });

  it("name the request, the field and what it expected", () => {
    expect(() => checkParams("workspace.read", {})).toThrow('workspace.read: missing "path" (a string)');
    expect(() => checkParams("workspace.read", { path: 3 })).toThrow(
      'workspace.read: "path" must be a string, got number',
    );
    expect(() => checkParams("notebooks.save", { path: "a.ipynb", notebook: [] })).toThrow(
      'notebooks.save: "notebook" must be an object, got array',
    );
    expect(() => checkParams("training.export", { runId: "r", kind: "gguf" })).toThrow(
      'training.export: "kind" must be one of adapter, merged, got "gguf"',
    );
    expect(() => checkParams("training.start", { configText: "x", name: null })).toThrow(
      'training.start: "name" must be a string, got null',
    );
    expect(() => checkParams("host.status", [])).toThrow("host.status: params must be an object");
  });

  it("accept absent optional fields and ignore fields a request does not take", () => {
    expect(() => checkParams("libraries.describe", { module: "json", extra: 1 })).not.toThrow();
    expect(() =>
      checkParams("notebooks.run", { notebookId: "n", cellId: "c", language: "python", source: "" }),
    ).not.toThrow();
  });

  it("know every request and nothing else", () => {
    expect(isRequestName("training.runs")).toBe(true);
    expect(isRequestName("no.such")).toBe(false);
    expect(isRequestName("toString")).toBe(false);
  });
});

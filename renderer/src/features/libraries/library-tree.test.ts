import { describe, expect, it } from "vitest";
import type { FunctionView, LibraryView, ModuleView } from "../../api";
import { buildTree, filterTree, resolveDocTarget, resolveReference } from "./library-tree";

function fn(name: string, path: string, described: boolean): FunctionView {
  return {
    name,
    path,
    doc: "",
    kind: "function",
    isAsync: false,
    isGenerator: false,
    definedIn: "numpy",
    docBlocks: [],
    signatures: described
      ? [{ parameters: [], returns: null, returnsDoc: "", returnsSource: "none", source: "inspect", text: "(x, /)" }]
      : [],
  };
}

function module(name: string, functions: FunctionView[]): ModuleView {
  return { name, doc: "", functions, classes: [], constants: [], submodules: [], docBlocks: [] };
}

const library: LibraryView = {
  name: "numpy",
  version: "2",
  pythonVersion: "3.11",
  pythonExecutable: "python",
  warnings: [],
  elapsedMs: 1,
  fromCache: false,
  modules: [
    module("numpy", [
      fn("abs", "numpy.absolute", false),
      fn("absolute", "numpy.absolute", true),
      fn("linspace", "numpy.linspace", true),
    ]),
    module("numpy.linalg", [fn("norm", "numpy.linalg.norm", true)]),
  ],
};

describe("the library tree", () => {
  it("gives aliases that share a path their own ids, so filtering keeps one row each", () => {
    const ids = buildTree(library)[0]!.children.map((node) => node.id);
    expect(new Set(ids).size).toBe(ids.length);
    const filtered = filterTree(buildTree(library), "abs");
    expect(filtered[0]!.children.map((node) => node.name)).toEqual(["abs", "absolute"]);
  });

  it("resolves a callable listed by reference to its full description", () => {
    const abs = library.modules[0]!.functions[0]!;
    expect(resolveReference(library, abs).name).toBe("absolute");
    const linspace = library.modules[0]!.functions[2]!;
    expect(resolveReference(library, linspace)).toBe(linspace);
  });

  it("resolves docstring cross-references to tree ids: dotted, relative to the module, or not described", () => {
    const tree = buildTree(library);
    expect(resolveDocTarget(tree, "numpy.linspace", "numpy")).toBe("numpy:linspace");
    expect(resolveDocTarget(tree, "numpy.linalg.norm", "numpy")).toBe("numpy.linalg:norm");
    expect(resolveDocTarget(tree, "linspace", "numpy")).toBe("numpy:linspace");
    expect(resolveDocTarget(tree, "numpy.linalg", "numpy")).toBe("numpy.linalg");
    expect(resolveDocTarget(tree, "scipy.fft", "numpy")).toBeNull();
    expect(resolveDocTarget(tree, "numpy.cumsum", "numpy")).toBeNull();
  });
});

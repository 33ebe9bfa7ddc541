import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { addEntrypoint } from "./add-entrypoint";

const TEMPLATE = `# My SDK
version: 1
integrations:
  - package: difflib
    entrypoints:
      functions: [get_close_matches]
`;

describe("addEntrypoint", () => {
  it("appends a function to the integration's flow list, keeping comments", () => {
    const { text, added, already } = addEntrypoint(TEMPLATE, {
      module: "difflib",
      kind: "function",
      path: "difflib.ndiff",
    });
    expect([added, already]).toEqual(["ndiff", false]);
    expect(text).toContain("# My SDK");
    expect(text).toContain("functions: [ get_close_matches, ndiff ]");
  });

  it("does not list a name twice", () => {
    const result = addEntrypoint(TEMPLATE, { module: "difflib", kind: "function", path: "difflib.get_close_matches" });
    expect(result).toEqual({ text: TEMPLATE, added: "get_close_matches", already: true });
  });

  it("adds a class, then one of its methods as an explicit methods list", () => {
    const withClass = addEntrypoint(TEMPLATE, {
      module: "difflib",
      kind: "class",
      path: "difflib.SequenceMatcher",
    }).text;
    const withMethod = addEntrypoint(withClass, {
      module: "difflib",
      kind: "method",
      path: "difflib.SequenceMatcher",
      method: "ratio",
    });
    expect(withMethod.added).toBe("SequenceMatcher.ratio");
    const again = addEntrypoint(withMethod.text, {
      module: "difflib",
      kind: "method",
      path: "difflib.SequenceMatcher",
      method: "quick_ratio",
    }).text;
    expect(parse(again).integrations[0].entrypoints.classes).toEqual([
      { name: "SequenceMatcher", methods: ["ratio", "quick_ratio"] },
    ]);
  });

  it("appends an integration for another library, with names relative to it", () => {
    const { text } = addEntrypoint(TEMPLATE, { module: "numpy", kind: "function", path: "numpy.fft.fft" });
    expect(parse(text).integrations[1]).toEqual({ package: "numpy", entrypoints: { functions: ["fft.fft"] } });
  });

  it("refuses a manifest that does not parse, saying so", () => {
    expect(() => addEntrypoint("integrations: [\n", { module: "json", kind: "function", path: "json.dumps" })).toThrow(
      /does not parse/,
    );
  });
});

// Authoring while typing: live problems against the described library, and scoped entrypoint completions.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DescriptorCache } from "../descriptor-cache.js";
import { LibraryDescriber } from "../library-describer.js";
import { entrypointCompletions, liveProblems } from "./authoring.js";
import { parseManifest } from "./load-manifest.js";

let cacheDir: string;
let describer: LibraryDescriber;

beforeAll(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), "sb-authoring-"));
  describer = new LibraryDescriber({ cache: new DescriptorCache(cacheDir) });
});

afterAll(async () => {
  await describer.dispose();
  await rm(cacheDir, { recursive: true, force: true });
});

const manifest = (body: string): string => `version: 1\nintegrations:\n${body}`;

describe("live problems", () => {
  it("flags typos in names with a suggestion, at the name", async () => {
    const text = manifest(
      "  - package: difflib\n    entrypoints:\n      functions: [ndif, get_close_matches]\n      classes:\n        - name: SequenceMatcher\n          methods: [find_longest]\n",
    );
    const problems = await liveProblems(parseManifest(text, "m.yaml"), describer);
    expect(problems.map((p) => [p.line, p.column, p.message])).toEqual([
      [5, 19, expect.stringMatching(/^no function "difflib.ndif" in difflib .*did you mean "difflib.ndiff"/) as string],
      [
        8,
        21,
        expect.stringMatching(
          /^class difflib.SequenceMatcher has no public method "find_longest"; it has: .*find_longest_match/,
        ) as string,
      ],
    ]);
    expect(
      await liveProblems(
        parseManifest(manifest("  - package: difflib\n    entrypoints: {functions: [ndiff]}\n"), "m.yaml"),
        describer,
      ),
    ).toEqual([]);
  }, 60_000);

  it("flags a misspelt package and suggests a described library", async () => {
    const text = manifest("  - package: difflibb\n    entrypoints: {functions: [ndiff]}\n");
    const [problem, ...rest] = await liveProblems(parseManifest(text, "m.yaml"), describer);
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({ line: 3, column: 14 });
    expect(problem!.message).toMatch(/"difflibb" .* is not installed .* Or is it a typo: did you mean "difflib"\?/);
  }, 60_000);
});

describe("entrypoint completions", () => {
  it("complete bare names of the integration's package, as the manifest writes them", async () => {
    const items = await entrypointCompletions(describer, { module: "difflib", prefix: "get_", limit: 50 });
    expect(items.map((i) => i.label)).toEqual(["get_close_matches"]);
    expect(items[0]).toMatchObject({
      kind: "function",
      detail: expect.stringMatching(/^get_close_matches\(word, possibilities, n=3, cutoff=0.6\)/) as string,
    });
    expect(items[0]!.documentation).toMatch(/^Use SequenceMatcher to return list of the best "good enough" matches/);
  }, 60_000);

  it("under methods: complete the class's methods only", async () => {
    const items = await entrypointCompletions(describer, {
      module: "difflib",
      className: "SequenceMatcher",
      prefix: "r",
      limit: 50,
    });
    expect(items.map((i) => i.label)).toEqual(["ratio", "real_quick_ratio"]);
    expect(items.every((i) => i.kind === "method")).toBe(true);
  }, 60_000);

  it("offers nothing for a package that is not installed", async () => {
    expect(
      await entrypointCompletions(describer, { module: "snakebridge_missing_pkg", prefix: "", limit: 10 }),
    ).toEqual([]);
  }, 60_000);
});

// Manifest validation: every problem names file, line, column, key and what is expected.
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LibraryDescriptor } from "../../../proto/generated/snakebridge/v1/describe.js";
import { DescriptorCache } from "../descriptor-cache.js";
import { LibraryDescriber } from "../library-describer.js";
import { MAX_MANIFEST_DEPTH, parseManifest } from "./load-manifest.js";
import { ManifestError, formatProblem, type ManifestProblem } from "./manifest-error.js";
import { resolveIntegration } from "./resolve-entrypoints.js";
import { resolveManifest } from "./resolve-manifest.js";
import { satisfies } from "./version-constraint.js";

function problemsOf(run: () => unknown): ManifestProblem[] {
  try {
    run();
  } catch (error) {
    if (error instanceof ManifestError) return [...error.problems];
    throw error;
  }
  throw new Error("expected the manifest to be rejected, but it was accepted");
}

async function problemsOfAsync(run: () => Promise<unknown>): Promise<ManifestProblem[]> {
  try {
    await run();
  } catch (error) {
    if (error instanceof ManifestError) return [...error.problems];
    throw error;
  }
  throw new Error("expected the manifest to be rejected, but it was accepted");
}

describe("manifest schema validation", () => {
  it("points an unknown key at its line and column and lists the expected keys", () => {
    const text = [
      "version: 1",
      "integrations:",
      "  - package: numpy",
      "    entrypoint:",
      "      functions: [linspace]",
      "",
    ].join("\n");
    const problems = problemsOf(() => parseManifest(text, "m.yaml"));
    const unknown = problems.find((p) => p.message.includes('unknown key "entrypoint"'));
    expect(unknown, problems.map(formatProblem).join("\n")).toMatchObject({ file: "m.yaml", line: 4, column: 5 });
    expect(unknown!.message).toContain("entrypoints");
    expect(formatProblem(unknown!)).toMatch(/^m\.yaml:4:5: integrations\[0\]\.entrypoint: /);
    // The missing `entrypoints` key is reported at the integration it belongs to.
    expect(problems.find((p) => p.message.includes('missing required key "entrypoints"'))).toMatchObject({
      line: 3,
      column: 5,
    });
  });

  it("says which values an enum allows, at the offending value", () => {
    const text = [
      "version: 1",
      "defaults:",
      "  session: sometimes",
      "integrations:",
      "  - package: json",
      "    entrypoints: {functions: [dumps]}",
    ].join("\n");
    const [problem, ...rest] = problemsOf(() => parseManifest(text, "m.yaml"));
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({ line: 3, column: 12, path: ["defaults", "session"] });
    expect(problem!.message).toBe('expected one of "per_call", "stateful", got "sometimes"');
  });

  it("rejects an unreadable version constraint with the format it expects", () => {
    const text = [
      "version: 1",
      "integrations:",
      "  - package: numpy",
      "    version: 'about 2'",
      "    entrypoints: {functions: [linspace]}",
    ].join("\n");
    const [problem] = problemsOf(() => parseManifest(text, "m.yaml"));
    expect(problem).toMatchObject({ line: 4, column: 14 });
    expect(problem!.message).toContain("PEP 440");
  });

  it("reports YAML syntax errors with their position", () => {
    const text = ["version: 1", "integrations:", "  - package: [numpy", ""].join("\n");
    const [problem] = problemsOf(() => parseManifest(text, "broken.yaml"));
    expect(problem!.message).toMatch(/^YAML syntax: /);
    expect(problem!.line).toBeGreaterThanOrEqual(3);
  });

  it("locates problems in JSON manifests too", () => {
    const text =
      '{\n  "version": 1,\n  "integrations": [\n    { "package": "json", "entrypoints": { "functions": ["dumps"] }, "timeout_ms": -5 }\n  ]\n}\n';
    const [problem] = problemsOf(() => parseManifest(text, "m.json"));
    expect(problem).toMatchObject({ file: "m.json", line: 4, path: ["integrations", 0, "timeout_ms"] });
    expect(problem!.message).toContain(">= 1");
  });
});

describe("entrypoints against descriptors", () => {
  const library = LibraryDescriptor.fromPartial({
    name: "statistics",
    modules: [
      {
        name: "statistics",
        functions: [
          { name: "mean", path: "statistics.mean", signatures: [{ text: "(data)" }] },
          { name: "median", path: "statistics.median" },
        ],
        classes: [{ name: "NormalDist", path: "statistics.NormalDist", methods: [{ name: "cdf" }, { name: "pdf" }] }],
      },
    ],
  });

  it("names the unknown function, where it is written, and a close match", () => {
    const text = [
      "version: 1",
      "integrations:",
      "  - package: statistics",
      "    entrypoints:",
      "      functions: [mean, meen]",
      "      classes:",
      "        - name: NormalDist",
      "          methods: [cdf, sf]",
    ].join("\n");
    const loaded = parseManifest(text, "s.yaml");
    const { problems, resolved } = resolveIntegration(loaded, 0, library);
    expect(problems.map(formatProblem)).toEqual([
      's.yaml:5:25: integrations[0].entrypoints.functions[1]: no function "statistics.meen" in statistics (described to depth 0); did you mean "statistics.mean"?',
      's.yaml:8:26: integrations[0].entrypoints.classes[0].methods[1]: class statistics.NormalDist has no public method "sf"; it has: cdf, pdf',
    ]);
    expect(resolved.functions.map((f) => f.function.name)).toEqual(["mean"]);
  });

  it("selects by include/exclude globs and reports a glob that matches nothing", () => {
    const text = [
      "version: 1",
      "integrations:",
      "  - package: statistics",
      "    entrypoints:",
      "      include: ['statistics.me*', 'statistics.nothing*']",
      "      exclude: ['**.median']",
    ].join("\n");
    const loaded = parseManifest(text, "s.yaml");
    const { problems, resolved } = resolveIntegration(loaded, 0, library);
    expect(resolved.functions.map((f) => f.function.name)).toEqual(["mean"]);
    expect(problems).toHaveLength(1);
    expect(problems[0]!.message).toContain('"statistics.nothing*" matches no function or class');
  });
});

describe("packages and versions in the worker's interpreter", () => {
  let cacheDir: string;
  let describer: LibraryDescriber;
  beforeAll(async () => {
    cacheDir = await mkdtemp(join(tmpdir(), "sb-manifest-"));
    describer = new LibraryDescriber({ cache: new DescriptorCache(cacheDir) });
  });
  afterAll(async () => {
    await describer.dispose();
    await rm(cacheDir, { recursive: true, force: true });
  });

  it("reports a missing package with the pip command for the worker's interpreter, and a version outside the constraint", async () => {
    const text = [
      "version: 1",
      "integrations:",
      "  - package: snakebridge-missing-pkg",
      "    module: snakebridge_missing_pkg",
      "    version: '>=1.0'",
      "    entrypoints: {functions: [f]}",
      "  - package: numpy",
      "    version: '<1.0'",
      "    entrypoints: {functions: [linspace]}",
    ].join("\n");
    const problems = await problemsOfAsync(() => resolveManifest(parseManifest(text, "p.yaml"), describer));
    expect(problems).toHaveLength(2);
    expect(problems[0]).toMatchObject({ line: 4, path: ["integrations", 0, "module"] });
    expect(problems[0]!.message).toMatch(
      /is not installed in .*python.* Install it with: .* -m pip install "snakebridge-missing-pkg>=1.0"/,
    );
    expect(problems[1]).toMatchObject({ line: 8, path: ["integrations", 1, "version"] });
    expect(problems[1]!.message).toMatch(
      /numpy \d+\.\d+.* does not satisfy "<1.0"\. Install a matching version with: .* -m pip install "numpy<1.0"/,
    );
    expect(describer.bridgesStarted).toBe(0);
  });
});

describe("PEP 440 constraints", () => {
  it.each([
    ["2.4.6", ">=1.26,<3", true],
    ["3.0.0", ">=1.26,<3", false],
    ["1.26.0", "~=1.26", true],
    ["2.0", "~=1.26", false],
    ["1.4.5", "~=1.4.2", true],
    ["1.5.0", "~=1.4.2", false],
    ["2.1.3", "==2.1.*", true],
    ["2.2.0", "!=2.2.0", false],
    ["3.0.0rc1", "<3", false],
    ["3.0.0rc1", ">=3.0.0a1", true],
    ["1.0.dev1", "<1.0", true],
    ["1.0.post1", ">1.0", false],
    ["3.11.7", ">=3.10", true],
  ])("%s satisfies %s: %s", (version, constraint, expected) => {
    expect(satisfies(version, constraint)).toBe(expected);
  });
});

describe("bad input gets a positioned, human error", () => {
  it("a 5,000-deep flow list is refused at the line and column where it passes the limit", () => {
    const text = `version: 1\nintegrations: ${"[".repeat(5000)}${"]".repeat(5000)}\n`;
    const [problem, ...rest] = problemsOf(() => parseManifest(text, "deep.yaml"));
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({ file: "deep.yaml", line: 2, column: 14 + MAX_MANIFEST_DEPTH }); // the mapping level counts too
    expect(problem!.message).toMatch(/^nested more than 64 levels deep here/);
  });

  it("a 5,000-deep block mapping is refused the same way, never with a stack overflow", () => {
    const lines = ["version: 1"];
    for (let depth = 0; depth < 5000; depth++) lines.push(`${" ".repeat(depth)}k${depth}:`);
    const [problem] = problemsOf(() => parseManifest(lines.join("\n"), "deep.yaml"));
    expect(problem).toMatchObject({ line: MAX_MANIFEST_DEPTH + 2, column: MAX_MANIFEST_DEPTH + 1 });
    expect(problem!.message).not.toMatch(/call stack/i);
  });

  it("a .json manifest is strict JSON: a trailing comma is an error at the comma", () => {
    const text =
      '{\n  "version": 1,\n  "integrations": [\n    {"package": "json", "entrypoints": {"functions": ["dumps",]}}\n  ]\n}\n';
    const [problem, ...rest] = problemsOf(() => parseManifest(text, "m.json"));
    expect(rest).toEqual([]);
    expect(problem).toMatchObject({ file: "m.json", line: 4, column: 62 });
    expect(problem!.message).toMatch(/^JSON syntax: .*strict JSON \(no trailing commas or comments\)/);
    // The same text is fine YAML, and the comma-free JSON is a fine .json manifest.
    expect(parseManifest(text, "m.yaml").spec.integrations).toHaveLength(1);
    expect(parseManifest(text.replace('"dumps",]', '"dumps"]'), "m.json").spec.integrations).toHaveLength(1);
  });

  it("a 5 MB manifest of 250,000 unknown names fails generate with located problems, not a stack overflow", async () => {
    const cacheDir = await mkdtemp(join(tmpdir(), "sb-manifest-big-"));
    const describer = new LibraryDescriber({ cache: new DescriptorCache(cacheDir) });
    try {
      const names = Array.from({ length: 250_000 }, (_, i) => `      - no_such_function_${i}`);
      const text = [
        "version: 1",
        "integrations:",
        "  - package: difflib",
        "    entrypoints:",
        "      functions:",
        ...names,
      ].join("\n");
      expect(text.length).toBeGreaterThan(5_000_000);
      const loaded = parseManifest(text, "big.yaml");
      const failure = await resolveManifest(loaded, describer).then(
        () => undefined,
        (error: unknown) => error,
      );
      expect(failure).toBeInstanceOf(ManifestError);
      const { problems, message } = failure as ManifestError;
      expect(problems).toHaveLength(250_000);
      expect(problems[249_999]).toMatchObject({
        line: 250_005,
        column: 9,
        path: ["integrations", 0, "entrypoints", "functions", 249_999],
      });
      expect(message.split("\n")).toHaveLength(52);
      expect(message).toContain("… and 249950 more");
    } finally {
      await describer.dispose();
      await rm(cacheDir, { recursive: true, force: true });
    }
  }, 120_000);
});

// Typed coverage on real libraries: unannotated standard-library modules (typed through typeshed's stubs)
// and numpy's documented functions, plus exact TypeScript signatures the generator writes for a few of them.
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PythonBridge } from "../bridge/index.js";
import { emitSdk, sdkLayout } from "./codegen/generate-sdk.js";
import { DescriptorCache } from "./descriptor-cache.js";
import { LibraryDescriber } from "./library-describer.js";
import { loadManifest } from "./manifest/load-manifest.js";
import { resolveManifest } from "./manifest/resolve-manifest.js";
import { formatTypedCoverage, libraryTypedCoverage, manifestTypedCoverage, typedCoverageOf } from "./typed-coverage.js";

/** Standard-library modules written without annotations in CPython 3.11: all their types come from typeshed. */
const UNANNOTATED_STDLIB = [
  "difflib",
  "textwrap",
  "shlex",
  "colorsys",
  "heapq",
  "fnmatch",
  "base64",
  "calendar",
  "fractions",
  "statistics",
  "html",
];

let bridge: PythonBridge;
let describer: LibraryDescriber;
let cacheDir: string;
let outDir: string;
let sources: Map<string, string>;

const MANIFEST = `
version: 1
codegen:
  namespace: typed
integrations:
  - package: difflib
    entrypoints:
      functions: [get_close_matches, ndiff]
      classes:
        - name: SequenceMatcher
          methods: [get_opcodes, ratio]
  - package: fractions
    entrypoints:
      classes:
        - name: Fraction
          methods: [limit_denominator, as_integer_ratio]
  - package: colorsys
    entrypoints:
      functions: [rgb_to_hsv]
  - package: textwrap
    entrypoints:
      functions: [dedent]
  - package: numpy
    entrypoints:
      functions: [fft.fft, linspace]
`;

/** The declaration line(s) of `name` in a generated module, without the body. */
function declarations(module: string, name: string): string[] {
  const text = sources.get(module) ?? "";
  return text
    .split("\n")
    .filter((line) => new RegExp(`^\\s*(export )?(static )?(async )?(function )?${name}\\b[<(]`).test(line))
    .map((l) => l.trim());
}

beforeAll(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), "sb-typed-cache-"));
  outDir = await mkdtemp(join(tmpdir(), "sb-typed-"));
  bridge = await PythonBridge.start({ poolSize: 1 });
  describer = new LibraryDescriber({ cache: new DescriptorCache(cacheDir), bridge });
  const manifest = join(outDir, "typed.yaml");
  await writeFile(manifest, MANIFEST);
  const loaded = await loadManifest(manifest);
  const resolved = await resolveManifest(loaded, describer);
  const files = emitSdk(loaded, resolved.integrations, sdkLayout(loaded, { outDir }));
  sources = new Map(files.map((f) => [f.module, f.text]));
  const typed = manifestTypedCoverage(resolved.integrations);
  expect([...typed.keys()]).toEqual(["difflib", "fractions", "colorsys", "textwrap", "numpy"]);
}, 120_000);

afterAll(async () => {
  await bridge?.dispose();
  await rm(cacheDir, { recursive: true, force: true });
  await rm(outDir, { recursive: true, force: true });
});

describe("typed coverage", () => {
  it(`is at least 90% over ${UNANNOTATED_STDLIB.length} unannotated standard-library modules, each`, async () => {
    let typed = 0;
    let slots = 0;
    for (const module of UNANNOTATED_STDLIB) {
      const { descriptor } = await describer.describe(module, { depth: 0 });
      const report = libraryTypedCoverage(descriptor);
      expect(report.slots, module).toBeGreaterThan(0);
      expect(
        report.share,
        `${module}: ${formatTypedCoverage(report)}; untyped: ${report.untyped.join(", ")}`,
      ).toBeGreaterThanOrEqual(0.9);
      typed += report.typed;
      slots += report.slots;
    }
    expect(typed / slots).toBeGreaterThanOrEqual(0.9);
  }, 120_000);

  it("is at least 90% over numpy's documented functions", async () => {
    const { descriptor } = await describer.describe("numpy", { depth: 0 });
    const documented = descriptor.modules[0]!.functions.filter((f) => f.signatures.length && f.doc.trim());
    expect(documented.length).toBeGreaterThan(300);
    const report = typedCoverageOf(documented.map((fn) => ({ path: `numpy.${fn.name}`, fn })));
    expect(report.share, formatTypedCoverage(report)).toBeGreaterThanOrEqual(0.9);
  }, 120_000);

  it("counts an untyped (*args, **kwargs) and Any-derived types as untyped", () => {
    const fn = {
      name: "f",
      path: "m.f",
      doc: "",
      signatures: [],
      kind: 0,
      isAsync: false,
      isGenerator: false,
      definedIn: "",
      docBlocks: [],
    };
    const report = typedCoverageOf([{ path: "m.f", fn }]);
    expect(report).toMatchObject({ slots: 3, typed: 0, share: 0 });
  });
});

describe("generated signatures", () => {
  it("difflib: typeshed's overloads become TypeScript overloads; iterators are handles", () => {
    expect(declarations("difflib", "getCloseMatches")).toEqual([
      "export function getCloseMatches<AnyStr extends string | Uint8Array>(word: AnyStr, possibilities: readonly AnyStr[], n?: number, cutoff?: number): Promise<AnyStr[]>;",
      "export function getCloseMatches<T>(word: readonly T[], possibilities: readonly (readonly T[])[], n?: number, cutoff?: number): Promise<T[][]>;",
      "export async function getCloseMatches<AnyStr extends string | Uint8Array, T>(word: AnyStr | readonly T[], possibilities: readonly AnyStr[] | readonly (readonly T[])[], n?: number, cutoff?: number): Promise<AnyStr[] | T[][]> {",
    ]);
    expect(declarations("difflib", "ndiff")).toEqual([
      "export async function ndiff(a: readonly string[], b: readonly string[], linejunk?: ((arg0: string) => boolean | Promise<boolean>) | PyHandle | null, charjunk?: ((arg0: string) => boolean | Promise<boolean>) | PyHandle | null): Promise<PyHandle> {",
    ]);
    expect(declarations("difflib", "getOpcodes")).toEqual([
      'async getOpcodes(): Promise<(readonly ["replace" | "delete" | "insert" | "equal", number, number, number, number])[]> {',
    ]);
    expect(declarations("difflib", "ratio")).toEqual(["async ratio(): Promise<number> {"]);
  });

  it("fractions: a method returning Self gives the generated class; tuples are readonly", () => {
    expect(declarations("fractions", "limitDenominator")).toEqual([
      "async limitDenominator(maxDenominator?: number): Promise<Fraction> {",
    ]);
    expect(sources.get("fractions")).toContain(
      'return Fraction.fromHandle((await activeRuntime().callMethod(this.handle, "limit_denominator", args, kwargs, SETTINGS)) as PyHandle);',
    );
    expect(declarations("fractions", "asIntegerRatio")).toEqual([
      "async asIntegerRatio(): Promise<readonly [number, number]> {",
    ]);
  });

  it("colorsys and textwrap: plain functions typed from typeshed", () => {
    expect(declarations("colorsys", "rgbToHsv")).toEqual([
      "export async function rgbToHsv(r: number, g: number, b: number): Promise<readonly [number, number, number]> {",
    ]);
    expect(declarations("textwrap", "dedent")).toEqual([
      "export async function dedent(text: string): Promise<string> {",
    ]);
  });

  it("numpy: literal unions, ArrayLike parameters and NDArray results", () => {
    expect(declarations("numpy.fft", "fft")).toEqual([
      'export async function fft(a: ArrayLike, n?: number | null, axis?: number, norm?: "backward" | "ortho" | "forward" | null, out?: NDArray | null): Promise<NDArray> {',
    ]);
    const linspace = declarations("numpy", "linspace")[0] ?? "";
    expect(linspace).toMatch(
      /^export async function linspace\(start: ArrayLike, stop: ArrayLike, num\?: number, endpoint\?: boolean, retstep\?: boolean, /,
    );
  });
});

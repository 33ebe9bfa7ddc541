// describe → author → generate → execute, end to end: example manifests become SDKs that type-check
// under tsc --strict and call a real Python worker.
import { mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { NDArray, PythonBridge, PythonError } from "../bridge/index.js";
import { emitSdk, sdkLayout, writeSdk } from "./codegen/generate-sdk.js";
import { manifestCoverage } from "./coverage.js";
import { DescriptorCache } from "./descriptor-cache.js";
import { LibraryDescriber } from "./library-describer.js";
import { loadManifest } from "./manifest/load-manifest.js";
import { resolveManifest } from "./manifest/resolve-manifest.js";
import { createRuntime, installRuntime } from "./runtime/index.js";

const here = dirname(fileURLToPath(import.meta.url));
const manifests = resolve(here, "..", "..", "examples", "manifests");
const runtimeEntry = join(here, "runtime", "index.js");

let bridge: PythonBridge;
let cacheDir: string;
let outRoot: string;
let uninstall: { dispose(): void };
const coverage: Record<string, ReturnType<typeof manifestCoverage>> = {};

async function generate(name: string, describer: LibraryDescriber): Promise<string> {
  const loaded = await loadManifest(join(manifests, `${name}.yaml`));
  const resolved = await resolveManifest(loaded, describer);
  coverage[name] = manifestCoverage(resolved.integrations);
  const outDir = join(outRoot, name);
  const runtimeImport = relative(outDir, runtimeEntry).split("\\").join("/");
  const layout = sdkLayout(loaded, { outDir, runtimeImport });
  await writeSdk(outDir, emitSdk(loaded, resolved.integrations, layout));
  return outDir;
}

/** Type-checks files with the compiler API under --strict; diagnostics as "file(line): message". */
function typeCheck(files: string[]): string[] {
  const program = ts.createProgram(files, {
    strict: true,
    noEmit: true,
    noUncheckedIndexedAccess: true,
    target: ts.ScriptTarget.ES2022,
    lib: ["lib.es2023.d.ts"],
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    types: ["node"],
    skipLibCheck: true,
    typeRoots: [resolve(here, "..", "..", "node_modules", "@types")],
  });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file
      ? `${relative(outRoot, d.file.fileName)}(${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1})`
      : "";
    return `${where}: TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, "\n")}`;
  });
}

beforeAll(async () => {
  cacheDir = await mkdtemp(join(tmpdir(), "sb-cache-"));
  outRoot = await mkdtemp(join(tmpdir(), "sb-sdk-"));
  await writeFile(join(outRoot, "package.json"), JSON.stringify({ type: "module" }));
  bridge = await PythonBridge.start({ poolSize: 2 });
  const describer = new LibraryDescriber({ cache: new DescriptorCache(cacheDir), bridge });
  for (const name of ["stdlib", "numpy", "classes"]) await generate(name, describer);
  uninstall = installRuntime(createRuntime(bridge));
}, 120_000);

afterAll(async () => {
  uninstall?.dispose();
  await bridge?.dispose();
  await rm(outRoot, { recursive: true, force: true });
  await rm(cacheDir, { recursive: true, force: true });
});

describe("generated SDKs", () => {
  it("type-check under --strict, and a wrong-typed argument is a compile error", async () => {
    const usage = join(outRoot, "usage");
    await mkdir(usage, { recursive: true });
    const good = join(usage, "good.ts");
    const bad = join(usage, "bad.ts");
    await writeFile(
      good,
      [
        'import { stdlib } from "../stdlib/index.js";',
        'import { np } from "../numpy/index.js";',
        'import { Fraction } from "../classes/fractions.js";',
        "export async function use(): Promise<void> {",
        "  await stdlib.statistics.mean([1, 2, 3, 4]);",
        "  await np.numpy.linspace(0, 1, 5, undefined, undefined, undefined, undefined, { device: 'cpu' });",
        "  await stdlib.json.toJson({ b: 1 }, { sortKeys: true, indent: 2 });",
        "  const f = await Fraction.create(1, 3);",
        "  await f.limitDenominator(10);",
        "  await f.release();",
        "}",
      ].join("\n"),
    );
    await writeFile(
      bad,
      ['import { np } from "../numpy/index.js";', 'export const wrong = np.numpy.linspace(0, 1, "five");'].join("\n"),
    );
    const generated = ["stdlib", "numpy", "classes"].map((n) => join(outRoot, n, "index.ts"));
    const diagnostics = typeCheck([...generated, good, bad]);
    expect(diagnostics.filter((d) => !d.startsWith(join("usage", "bad.ts")))).toEqual([]);
    expect(diagnostics).toHaveLength(1);
    expect(diagnostics[0]).toMatch(
      /^usage\/bad\.ts\(2\): TS2345 Argument of type 'string' is not assignable to parameter of type 'number'/,
    );
  }, 120_000);

  it("report signature coverage per manifest", () => {
    expect(coverage.stdlib).toMatchObject({ total: 16, recovered: 16, share: 1 });
    expect(coverage.numpy!.recovered).toBe(coverage.numpy!.total);
    expect(coverage.numpy!.fullyTyped).toBeGreaterThan(0);
  });

  it("call Python: statistics.mean([1, 2, 3, 4]) is 2.5", async () => {
    const { stdlib } = await import(pathToFileURL(join(outRoot, "stdlib", "index.ts")).href);
    expect(await stdlib.statistics.mean([1, 2, 3, 4])).toBe(2.5);
    expect(await stdlib.math.hypot(3, 4)).toBe(5);
  });

  it("numpy.linspace(0, 1, 5) is an NDArray of 5 float64", async () => {
    const { np } = await import(pathToFileURL(join(outRoot, "numpy", "index.ts")).href);
    const result: unknown = await np.numpy.linspace(0, 1, 5);
    expect(result).toBeInstanceOf(NDArray);
    const array = result as NDArray;
    expect(array.dtype).toBe("float64");
    expect(array.shape).toEqual([5]);
    expect(Array.from(array.data as Float64Array)).toEqual([0, 0.25, 0.5, 0.75, 1]);
  });

  it("passes keyword-only arguments by name (camelCase in TypeScript, snake_case in Python)", async () => {
    const { stdlib } = await import(pathToFileURL(join(outRoot, "stdlib", "index.ts")).href);
    expect(await stdlib.json.toJson({ b: 1, a: 2 }, { sortKeys: true })).toBe('{"a": 2, "b": 1}');
    // A later optional positional after an omitted one goes by keyword, so Python keeps its default for the gap.
    const { np } = await import(pathToFileURL(join(outRoot, "numpy", "index.ts")).href);
    const open = (await np.numpy.linspace(0, 1, 4, false)) as NDArray;
    expect(Array.from(open.data as Float64Array)).toEqual([0, 0.25, 0.5, 0.75]);
    const withEndpointOnly = (await np.numpy.linspace(0, 1, undefined, false)) as NDArray;
    expect(withEndpointOnly.shape).toEqual([50]);
  });

  it("constructs a class and calls its methods through the handle", async () => {
    const { Fraction } = await import(pathToFileURL(join(outRoot, "classes", "fractions.ts")).href);
    const third = await Fraction.create(1, 3);
    expect(third.handle.pythonType).toBe("fractions.Fraction");
    expect(await third.asIntegerRatio()).toEqual([1, 3]);
    const { PurePosixPath } = await import(pathToFileURL(join(outRoot, "classes", "pathlib.ts")).href);
    const path = await PurePosixPath.create("/data", "report.txt");
    // with_suffix returns Self: the SDK wraps the result in the generated class.
    const renamed = await path.withSuffix(".csv");
    expect(renamed).toBeInstanceOf(PurePosixPath);
    expect(renamed.handle.repr).toContain("report.csv");
    await third.release();
    expect(third.handle.released).toBe(true);
  });

  it("a wrong-typed argument forced past the compiler is a Python TypeError", async () => {
    const { np } = await import(pathToFileURL(join(outRoot, "numpy", "index.ts")).href);
    const linspace = np.numpy.linspace as (...args: unknown[]) => Promise<unknown>;
    const failure = await linspace(0, 1, "five").then(
      () => undefined,
      (error: unknown) => error,
    );
    expect(failure).toBeInstanceOf(PythonError);
    expect((failure as PythonError).pythonType).toBe("TypeError");
    expect((failure as PythonError).classification).toBe("type_error");
  });
});

describe("descriptor cache", () => {
  it("answers a warm describe without starting Python", async () => {
    const cold = new LibraryDescriber({
      cache: new DescriptorCache(cacheDir),
      bridge,
      python: bridge.interpreter.executable,
    });
    const first = await cold.describe("json", { depth: 0 });
    expect(first.fromCache).toBe(false);
    // A new describer (as a new CLI process would have): fresh memory, same disk cache, no bridge.
    const warm = new LibraryDescriber({ cache: new DescriptorCache(cacheDir), python: bridge.interpreter.executable });
    const started = performance.now();
    const second = await warm.describe("json", { depth: 0 });
    const elapsed = performance.now() - started;
    expect(second.fromCache).toBe(true);
    expect(warm.bridgesStarted).toBe(0);
    expect(warm.identities.probes).toBe(0);
    expect(elapsed).toBeLessThan(200);
    expect(second.descriptor.modules.map((m) => m.name)).toEqual(first.descriptor.modules.map((m) => m.name));
    await warm.dispose();
  });
});

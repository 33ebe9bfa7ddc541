// Generated SDKs with the default runtime import ("snakebridge-workbench/runtime") type-check under --strict:
// inside this repository (the package name resolves to itself) and in a separate project that installs the
// package from `npm pack`'s tarball. Both read the declarations the build emits (package.json exports "types").
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import ts from "typescript";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PythonBridge } from "../bridge/index.js";
import { DEFAULT_RUNTIME_IMPORT, emitSdk, sdkLayout, writeSdk, type GeneratedFile } from "./codegen/generate-sdk.js";
import { DescriptorCache } from "./descriptor-cache.js";
import { LibraryDescriber } from "./library-describer.js";
import { loadManifest, type LoadedManifest } from "./manifest/load-manifest.js";
import { resolveManifest } from "./manifest/resolve-manifest.js";

const root = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const declarations = join(root, "dist", "app", "integration", "runtime", "index.d.ts");

const MANIFEST = `
version: 1
codegen:
  namespace: typed
integrations:
  - package: difflib
    entrypoints:
      functions: [get_close_matches]
  - package: fractions
    entrypoints:
      classes:
        - name: Fraction
          methods: [limit_denominator]
`;

/** Uses the SDK as an application would; `bad.ts` passes a number where a string is expected. */
const GOOD = [
  'import { typed } from "./sdk/index.js";',
  'import { Fraction } from "./sdk/fractions.js";',
  'import { installRuntime, createRuntime, PythonBridge } from "snakebridge-workbench/runtime";',
  "export async function use(): Promise<string[]> {",
  "  installRuntime(createRuntime(await PythonBridge.start()));",
  "  const third: Fraction = await (await Fraction.create(1, 3)).limitDenominator(10);",
  "  await third.release();",
  '  return typed.difflib.getCloseMatches("appel", ["apple", "ape"]);',
  "}",
].join("\n");
const BAD =
  'import { typed } from "./sdk/index.js";\nexport const wrong = typed.difflib.getCloseMatches("appel", [1, 2]);\n';

let scratch: string;
let selfDir: string;
let loaded: LoadedManifest;
let files: GeneratedFile[];

/** Type-checks `entries` under --strict with `options` added; diagnostics as "file(line): TSnnnn message". */
function typeCheck(base: string, entries: string[], options: ts.CompilerOptions): string[] {
  const program = ts.createProgram(entries, {
    strict: true,
    noEmit: true,
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    ...options,
  });
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const where = d.file
      ? `${relative(base, d.file.fileName)}(${d.file.getLineAndCharacterOfPosition(d.start ?? 0).line + 1})`
      : "";
    return `${where}: TS${d.code} ${ts.flattenDiagnosticMessageText(d.messageText, " ")}`;
  });
}

async function writeProject(dir: string): Promise<string[]> {
  await writeSdk(join(dir, "sdk"), files);
  await writeFile(join(dir, "good.ts"), GOOD);
  await writeFile(join(dir, "bad.ts"), BAD);
  return [join(dir, "good.ts"), join(dir, "bad.ts")];
}

function expectOnlyTheDeliberateError(diagnostics: string[]): void {
  expect(diagnostics.filter((d) => !d.startsWith("bad.ts"))).toEqual([]);
  expect(diagnostics).toHaveLength(1);
  expect(diagnostics[0]).toMatch(/^bad\.ts\(2\): TS2769 No overload matches this call/);
}

beforeAll(async () => {
  if (!existsSync(declarations))
    throw new Error(
      `${declarations} is missing: the runtime's declarations come from the build. Run: npm run build:node`,
    );
  scratch = await mkdtemp(join(tmpdir(), "sb-sdk-package-"));
  const bridge = await PythonBridge.start({ poolSize: 1 });
  const describer = new LibraryDescriber({ cache: new DescriptorCache(join(scratch, "cache")), bridge });
  try {
    await writeFile(join(scratch, "typed.yaml"), MANIFEST);
    loaded = await loadManifest(join(scratch, "typed.yaml"));
    const resolved = await resolveManifest(loaded, describer);
    files = emitSdk(loaded, resolved.integrations, sdkLayout(loaded, { outDir: join(scratch, "unused") }));
  } finally {
    await bridge.dispose();
  }
  expect(files.find((f) => f.module === "difflib")?.text).toContain(`from "${DEFAULT_RUNTIME_IMPORT}"`);
}, 120_000);

afterAll(async () => {
  if (selfDir) await rm(selfDir, { recursive: true, force: true });
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe("an SDK with the default runtime import type-checks under --strict", () => {
  it("inside this repository, where snakebridge-workbench resolves to itself", async () => {
    // .snakebridge/ is git-ignored; a folder inside the package root is what makes the self-reference apply.
    await mkdir(join(root, ".snakebridge"), { recursive: true });
    selfDir = await mkdtemp(join(root, ".snakebridge", "sdk-self-"));
    const entries = await writeProject(selfDir);
    const diagnostics = typeCheck(selfDir, entries, {
      types: ["node"],
      typeRoots: [join(root, "node_modules", "@types")],
    });
    expectOnlyTheDeliberateError(diagnostics);
  }, 180_000); // a full type check of the runtime's declarations: ~20 s alone, much longer on a loaded machine

  it("in a separate project that installs the package from npm pack's tarball", async () => {
    const packDir = join(scratch, "pack");
    await mkdir(packDir, { recursive: true });
    // --ignore-scripts: `prepare` would rebuild dist/ (shared); the tarball ships the dist/ this run reads.
    const pack = spawnSync("npm", ["pack", "--ignore-scripts", "--json", "--pack-destination", packDir], {
      cwd: root,
      encoding: "utf8",
      timeout: 60_000,
    });
    expect(pack.status, pack.stderr).toBe(0);
    const tarball = join(packDir, (JSON.parse(pack.stdout) as { filename: string }[])[0]!.filename);

    const project = join(scratch, "user-project");
    await mkdir(project, { recursive: true });
    // The machine has no network. A user online runs plain `npm install <tarball>`; offline, npm cannot fetch the
    // package's dependencies, so overrides point each one at this checkout's installed copy (a local mirror). The
    // package itself still comes from the tarball, unpacked by npm exactly as for a user.
    const dependencies = (
      JSON.parse(await readFile(join(root, "package.json"), "utf8")) as { dependencies: Record<string, string> }
    ).dependencies;
    const overrides = Object.fromEntries(
      Object.keys(dependencies).map((name) => [name, `file:${join(root, "node_modules", name)}`]),
    );
    await writeFile(
      join(project, "package.json"),
      JSON.stringify({ name: "user-project", private: true, type: "module", overrides }, null, 2),
    );
    const install = spawnSync(
      "npm",
      ["install", "--offline", "--no-package-lock", "--ignore-scripts", "--no-audit", "--no-fund", tarball],
      {
        cwd: project,
        encoding: "utf8",
        timeout: 120_000,
      },
    );
    expect(install.status, install.stderr).toBe(0);
    const installed = join(project, "node_modules", "snakebridge-workbench");
    expect(existsSync(join(installed, "dist", "app", "integration", "runtime", "index.d.ts"))).toBe(true);

    const entries = await writeProject(project);
    // A user's tsconfig: --strict, NodeNext, skipLibCheck (tsc --init's default); no @types needed by the SDK.
    const diagnostics = typeCheck(project, entries, { types: [], skipLibCheck: true });
    expectOnlyTheDeliberateError(diagnostics);
  }, 180_000);
});

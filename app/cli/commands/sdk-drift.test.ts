// Drift: `snakebridge generate` records each library's descriptor hash; after the library's version is bumped,
// checkSdkDrift warns (or with strict, refuses) when a program starts against it.
import { mkdir, mkdtemp, readFile, rename, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PythonBridge } from "../../bridge/index.js";
import { runCli } from "../main.js";
import { SDK_LOCK_FILE, SdkDriftError, checkSdkDrift, type SdkLock } from "../../integration/fabric/sdk-lock.js";

const saved = { cache: process.env.SNAKEBRIDGE_CACHE_DIR, path: process.env.PYTHONPATH };
const pkg = `sbdrift_${process.pid}`;
let work: string;

async function installVersion(version: string, previous?: string): Promise<void> {
  const dist = (v: string): string => join(work, `${pkg}-${v}.dist-info`);
  if (previous !== undefined) await rename(dist(previous), dist(version));
  else await mkdir(dist(version), { recursive: true });
  await writeFile(join(dist(version), "METADATA"), `Metadata-Version: 2.1\nName: ${pkg}\nVersion: ${version}\n`);
}

async function generate(): Promise<number> {
  const sink = new Writable({
    write(_c, _e, done) {
      done();
    },
  });
  return runCli(["generate", join(work, "drift.yaml"), "--out", join(work, "sdk")], {
    stdout: sink,
    stderr: sink,
    interactive: false,
    signal: new AbortController().signal,
  });
}

async function withBridge<T>(use: (bridge: PythonBridge) => Promise<T>): Promise<T> {
  const bridge = await PythonBridge.start({ poolSize: 1, env: { PYTHONPATH: work } });
  try {
    return await use(bridge);
  } finally {
    await bridge.dispose();
  }
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "sb-drift-"));
  process.env.SNAKEBRIDGE_CACHE_DIR = join(work, "cache");
  process.env.PYTHONPATH = work;
  await mkdir(join(work, pkg));
  await writeFile(join(work, pkg, "__init__.py"), 'def ping(x: int) -> int:\n    """Echo."""\n    return x\n');
  await installVersion("1.0.0");
  await writeFile(
    join(work, "drift.yaml"),
    `version: 1\nintegrations:\n  - package: ${pkg}\n    entrypoints:\n      functions: [ping]\n`,
  );
});

afterAll(async () => {
  for (const [name, value] of [
    ["SNAKEBRIDGE_CACHE_DIR", saved.cache],
    ["PYTHONPATH", saved.path],
  ] as const) {
    if (value === undefined) delete process.env[name];
    else process.env[name] = value;
  }
  await rm(work, { recursive: true, force: true });
});

describe("SDK descriptor lock and drift", () => {
  it("generate records the descriptor hash and version of every library", async () => {
    expect(await generate()).toBe(0);
    const lock = JSON.parse(await readFile(join(work, "sdk", SDK_LOCK_FILE), "utf8")) as SdkLock;
    expect(lock.libraries).toHaveLength(1);
    expect(lock.libraries[0]).toMatchObject({ module: pkg, version: "1.0.0" });
    expect(lock.libraries[0]!.descriptor_sha256).toMatch(/^[0-9a-f]{64}$/);
  }, 60_000);

  it("finds no drift against the same library", async () => {
    const warnings: string[] = [];
    expect(await withBridge((b) => checkSdkDrift(b, join(work, "sdk"), { warn: (m) => warnings.push(m) }))).toEqual([]);
    expect(warnings).toEqual([]);
  }, 60_000);

  it("warns after the library's version is bumped, naming both versions and the fix", async () => {
    await installVersion("1.1.0", "1.0.0");
    const warnings: string[] = [];
    const drift = await withBridge((b) => checkSdkDrift(b, join(work, "sdk"), { warn: (m) => warnings.push(m) }));
    expect(drift).toEqual([expect.objectContaining({ module: pkg, lockedVersion: "1.0.0", liveVersion: "1.1.0" })]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain("1.0.0 → 1.1.0");
    expect(warnings[0]).toContain("snakebridge generate");
  }, 60_000);

  it("with strict, refuses to start against the drifted library", async () => {
    const error = await withBridge((b) => checkSdkDrift(b, join(work, "sdk"), { strict: true })).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SdkDriftError);
    expect((error as SdkDriftError).drift[0]?.liveVersion).toBe("1.1.0");
  }, 60_000);

  it("is clean again once the SDK is regenerated", async () => {
    expect(await generate()).toBe(0);
    expect(await withBridge((b) => checkSdkDrift(b, join(work, "sdk"), { strict: true }))).toEqual([]);
  }, 60_000);
});

// Integration environments end to end, offline: wheels of a tiny package in two versions are built here with
// `pip wheel`, `snakebridge env sync` installs them (--no-index --find-links) into one virtualenv per
// environment, and each integration's calls answer with its own version, one call at a time and side by side.
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { findInterpreter } from "../../bridge/index.js";
import { EnvironmentPools, environmentsOf } from "../../integration/fabric/environments.js";
import { loadManifest } from "../../integration/manifest/load-manifest.js";
import { buildLocalWheel } from "../../integration/fabric/testing/local-wheels.js";
import { runCli } from "../main.js";

const saved = process.env.SNAKEBRIDGE_ENVS_DIR;
let work: string;
let wheels: string;
let python: string;

async function cli(...argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = "";
  let stderr = "";
  const sink = (append: (text: string) => void): Writable =>
    new Writable({
      write(chunk, _e, done) {
        append(String(chunk));
        done();
      },
    });
  const code = await runCli(argv, {
    stdout: sink((t) => (stdout += t)),
    stderr: sink((t) => (stderr += t)),
    interactive: false,
    signal: new AbortController().signal,
  });
  return { code, stdout, stderr };
}

/** Builds a wheel of a tiny package into `wheels`, offline (see local-wheels.ts). */
function buildWheel(name: string, version: string, body: string, requires: string[] = []): Promise<void> {
  return buildLocalWheel({ python, work, wheels }, name, version, body, requires);
}

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "sb-envs-"));
  wheels = join(work, "wheels");
  process.env.SNAKEBRIDGE_ENVS_DIR = join(work, "envs");
  python = (await findInterpreter()).executable;
  const reportShared = "import sbshared\n\ndef shared_version():\n    return sbshared.__version__\n";
  await buildWheel("sbshared", "1.0", "");
  await buildWheel("sbshared", "2.0", "");
  await buildWheel("sbalpha", "1.0", reportShared, ["sbshared==1.0"]);
  await buildWheel("sbbeta", "1.0", reportShared, ["sbshared==2.0"]);
  await writeFile(
    join(work, "pinned.yaml"),
    [
      "version: 1",
      "integrations:",
      "  - package: sbalpha",
      "    entrypoints:",
      "      functions: [shared_version]",
      '    environment: { python: ">=3.10", requirements: ["sbalpha==1.0"] }',
      "  - package: sbbeta",
      "    entrypoints:",
      "      functions: [shared_version]",
      '    environment: { requirements: ["sbbeta==1.0"] }',
      "",
    ].join("\n"),
  );
}, 300_000);

afterAll(async () => {
  if (saved === undefined) delete process.env.SNAKEBRIDGE_ENVS_DIR;
  else process.env.SNAKEBRIDGE_ENVS_DIR = saved;
  await rm(work, { recursive: true, force: true });
});

describe("snakebridge env sync and one pool per environment", () => {
  it("built four wheels locally", async () => {
    expect((await readdir(wheels)).sort()).toEqual([
      "sbalpha-1.0-py3-none-any.whl",
      "sbbeta-1.0-py3-none-any.whl",
      "sbshared-1.0-py3-none-any.whl",
      "sbshared-2.0-py3-none-any.whl",
    ]);
  });

  it("refuses to run an integration whose environment is not built, naming the command", async () => {
    const result = await cli(
      "call",
      "sbalpha.shared_version",
      "--allow",
      join(work, "pinned.yaml"),
      "--audit",
      join(work, "a0.jsonl"),
    );
    expect(result.code).toBe(1);
    expect(result.stderr).toContain("snakebridge env sync");
  });

  it("builds one virtualenv per environment, offline, with a progress display", async () => {
    const result = await cli("env", "sync", join(work, "pinned.yaml"), "--no-index", "--find-links", wheels, "--json");
    expect(result.code, result.stderr).toBe(0);
    const built = JSON.parse(result.stdout) as { result: string }[];
    expect(built.map((b) => b.result)).toEqual(["built", "built"]);
    expect(result.stderr).toMatch(/\[#+-*\] 3\/4/);
    const again = await cli("env", "sync", join(work, "pinned.yaml"), "--no-index", "--find-links", wheels, "--json");
    expect((JSON.parse(again.stdout) as { result: string }[]).map((b) => b.result)).toEqual(["current", "current"]);
  }, 300_000);

  it("each integration's call answers with the version its environment pins", async () => {
    const alpha = await cli(
      "call",
      "sbalpha.shared_version",
      "--json",
      "--allow",
      join(work, "pinned.yaml"),
      "--audit",
      join(work, "a1.jsonl"),
    );
    const beta = await cli(
      "call",
      "sbbeta.shared_version",
      "--json",
      "--allow",
      join(work, "pinned.yaml"),
      "--audit",
      join(work, "a2.jsonl"),
    );
    expect([alpha.stdout, beta.stdout]).toEqual(['"1.0"\n', '"2.0"\n']);
  }, 120_000);

  it("runs both pools side by side and routes each call to its integration's pool", async () => {
    const environments = environmentsOf([await loadManifest(join(work, "pinned.yaml"))], python);
    const pools = await EnvironmentPools.start(environments, { poolSize: 1 });
    try {
      expect(pools.all.map((p) => p.name)).toHaveLength(3);
      const [a, b] = await Promise.all([
        pools.bridgeFor("sbalpha.shared_version").call("sbalpha.shared_version"),
        pools.bridgeFor("sbbeta.shared_version").call("sbbeta.shared_version"),
      ]);
      expect([a, b]).toEqual(["1.0", "2.0"]);
      // The workbench's own interpreter has neither: the environments did not leak into it.
      await expect(pools.bridgeFor("math.sqrt").call("importlib.util.find_spec", ["sbshared"])).resolves.toBeNull();
    } finally {
      await pools.dispose();
    }
  }, 120_000);

  it("refuses a requirement that conflicts with the worker's own (protobuf), saying what to do", async () => {
    await writeFile(
      join(work, "conflict.yaml"),
      [
        "version: 1",
        "integrations:",
        "  - package: sbalpha",
        "    entrypoints:",
        "      functions: [shared_version]",
        '    environment: { requirements: ["sbalpha==1.0", "protobuf<4"] }',
        "",
      ].join("\n"),
    );
    const result = await cli("env", "sync", join(work, "conflict.yaml"), "--no-index", "--find-links", wheels);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/"protobuf<4" conflicts with the worker's own protobuf/);
    expect(result.stderr).toContain("Remove it from environment.requirements");
  });
});

// The describe / generate / diff / clean commands against a real worker, on a throwaway Python module.
import { mkdtemp, readdir, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runCli } from "../main.js";

const saved = { cache: process.env.SNAKEBRIDGE_CACHE_DIR, path: process.env.PYTHONPATH };
let work: string;
const moduleName = `sbdemo_${process.pid}`;

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

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), "sb-cli-"));
  process.env.SNAKEBRIDGE_CACHE_DIR = join(work, "cache");
  process.env.PYTHONPATH = work;
  await writeFile(
    join(work, `${moduleName}.py`),
    'def greet(name: str) -> str:\n    """Say hello."""\n    return "hello " + name\n',
  );
  await writeFile(
    join(work, "demo.yaml"),
    `version: 1\nintegrations:\n  - package: ${moduleName}\n    entrypoints:\n      functions: [greet]\n`,
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

describe("snakebridge describe / generate / diff / clean", () => {
  it("describes a module as a tree, and as one JSON document", async () => {
    const tree = await cli("describe", moduleName, "--depth", "0");
    expect(tree.code, tree.stderr).toBe(0);
    expect(tree.stdout).toContain(`${moduleName}.greet(name: str) -> str  — Say hello.`);
    const json = await cli("describe", moduleName, "--depth", "0", "--json");
    expect(json.stderr).toContain("from cache");
    const parsed = JSON.parse(json.stdout) as { name: string; modules: { functions: { name: string }[] }[] };
    expect(parsed.name).toBe(moduleName);
    expect(parsed.modules[0]!.functions.map((f) => f.name)).toEqual(["greet"]);
  }, 60_000);

  it("diff exits 0 when nothing changed and 1 with the changed signatures listed", async () => {
    const generated = await cli("generate", join(work, "demo.yaml"), "--out", join(work, "sdk"));
    expect(generated.code, generated.stderr).toBe(0);
    expect(generated.stdout).toContain("signature coverage: 1/1 full signatures (100.0%), 1 fully typed");
    expect(await readdir(join(work, "sdk"))).toEqual(["index.ts", `${moduleName}.ts`, "snakebridge.lock.json"]);

    const same = await cli("diff", join(work, "demo.yaml"));
    expect(same.code, same.stdout + same.stderr).toBe(0);
    expect(same.stdout).toContain("0 added, 0 removed, 0 changed");

    await writeFile(
      join(work, `${moduleName}.py`),
      'def greet(name: str, punctuation: str = "!") -> str:\n    return "hello " + name + punctuation\n\ndef wave() -> None:\n    pass\n',
    );
    const changed = await cli("diff", join(work, "demo.yaml"));
    expect(changed.code, changed.stdout + changed.stderr).toBe(1);
    expect(changed.stdout).toContain("1 added, 0 removed, 1 changed");
    expect(changed.stdout).toContain(`+ ${moduleName}.wave() -> None`);
    expect(changed.stdout).toContain(
      `~ ${moduleName}.greet(name: str) -> str\n    → ${moduleName}.greet(name: str, punctuation: str = '!') -> str`,
    );
  }, 90_000);

  it("generate rejects an unknown entrypoint with its position", async () => {
    await writeFile(
      join(work, "bad.yaml"),
      `version: 1\nintegrations:\n  - package: ${moduleName}\n    entrypoints:\n      functions: [greeet]\n`,
    );
    const result = await cli("generate", join(work, "bad.yaml"), "--out", join(work, "bad-sdk"));
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      `bad.yaml:5:19: integrations[0].entrypoints.functions[0]: no function "${moduleName}.greeet"`,
    );
    expect(result.stderr).toContain(`did you mean "${moduleName}.greet"?`);
  }, 60_000);

  it("clean empties the cache and lists what it removed", async () => {
    const cleaned = await cli("clean");
    expect(cleaned.code).toBe(0);
    expect(cleaned.stdout).toContain(`removed ${moduleName} (no distribution version, Python `);
    expect(await readdir(join(work, "cache"))).toEqual([]);
    const again = await cli("clean");
    expect(again.stdout).toContain("was already empty");
  });
});

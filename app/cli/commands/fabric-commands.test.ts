// `snakebridge audit verify` and `snakebridge manifest keygen|sign|verify`, through the CLI entry point.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AuditLog } from "../../integration/fabric/audit-log.js";
import { runCli } from "../main.js";

let work: string;

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
  work = await mkdtemp(join(tmpdir(), "sb-fabric-cli-"));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe("snakebridge audit verify", () => {
  it("passes an intact log and names the first broken line of a tampered one", async () => {
    const file = join(work, "audit.jsonl");
    const log = await AuditLog.open(file);
    for (const target of ["math.sqrt", "math.floor", "math.ceil"]) {
      log.append({ target, kind: "function", session: "", durationMs: 1, outcome: "ok", argsSha256: "0".repeat(64) });
    }
    await log.close();
    const intact = await cli("audit", "verify", file);
    expect(intact).toMatchObject({ code: 0 });
    expect(intact.stdout).toContain("chain intact, 3 record(s)");

    await writeFile(file, (await readFile(file, "utf8")).replace("math.floor", "os.system"));
    const broken = await cli("audit", "verify", file, "--json");
    expect(broken.code).toBe(1);
    expect(JSON.parse(broken.stdout)).toMatchObject({ ok: false, line: 2, records: 1 });
  });

  it("is a usage error without the verb", async () => {
    expect((await cli("audit", "check", "x")).code).toBe(2);
  });
});

describe("snakebridge call --allow (enforce mode)", () => {
  it("runs a declared call, refuses os.system naming the manifest, and audits both", async () => {
    const manifest = join(work, "stats.yaml");
    const audit = join(work, "call-audit.jsonl");
    await writeFile(
      manifest,
      "version: 1\nintegrations:\n  - package: statistics\n    entrypoints:\n      functions: [mean]\n",
    );
    const ok = await cli("call", "statistics.mean", "[1, 2, 3, 4]", "--json", "--allow", manifest, "--audit", audit);
    expect(ok, ok.stderr).toMatchObject({ code: 0, stdout: "2.5\n" });
    const refused = await cli(
      "call",
      "os.system",
      '"touch /tmp/sb-should-not-exist"',
      "--json",
      "--allow",
      manifest,
      "--audit",
      audit,
    );
    expect(refused.code).toBe(1);
    const error = (JSON.parse(refused.stdout) as { error: { classification: string; message: string } }).error;
    expect(error.classification).toBe("not_allowed");
    expect(error.message).toContain(manifest);

    const records = (await readFile(audit, "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(records.map((r) => [r.target, r.outcome])).toEqual([
      ["statistics.mean", "ok"],
      ["os.system", "not_allowed"],
    ]);
    expect(JSON.stringify(records)).not.toContain("touch"); // arguments appear only as their hash
    expect((await cli("audit", "verify", audit)).code).toBe(0);
  }, 60_000);

  it("with --require-signed refuses an unsigned manifest before starting anything", async () => {
    const manifest = join(work, "unsigned.yaml");
    await writeFile(
      manifest,
      "version: 1\nintegrations:\n  - package: math\n    entrypoints:\n      functions: [sqrt]\n",
    );
    expect((await cli("manifest", "keygen", join(work, "t.pem"), join(work, "t.pub.pem"))).code).toBe(0);
    const refused = await cli(
      "call",
      "math.sqrt",
      "4",
      "--allow",
      manifest,
      "--require-signed",
      "--trust",
      join(work, "t.pub.pem"),
      "--audit",
      join(work, "a2.jsonl"),
    );
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("is not signed");
    expect((await cli("manifest", "sign", manifest, "--key", join(work, "t.pem"))).code).toBe(0);
    const signed = await cli(
      "call",
      "math.sqrt",
      "4",
      "--json",
      "--allow",
      manifest,
      "--require-signed",
      "--trust",
      join(work, "t.pub.pem"),
      "--audit",
      join(work, "a2.jsonl"),
    );
    expect(signed).toMatchObject({ code: 0, stdout: "2\n" });
  }, 60_000);
});

describe("snakebridge manifest", () => {
  it("generates keys, signs, verifies, and refuses an edited manifest", async () => {
    const manifest = join(work, "m.yaml");
    await writeFile(
      manifest,
      "version: 1\nintegrations:\n  - package: math\n    entrypoints:\n      functions: [sqrt]\n",
    );
    expect((await cli("manifest", "keygen", join(work, "k.pem"), join(work, "k.pub.pem"))).code).toBe(0);
    expect((await cli("manifest", "sign", manifest, "--key", join(work, "k.pem"))).code).toBe(0);
    expect((await cli("manifest", "verify", manifest, "--trust", join(work, "k.pub.pem"))).code).toBe(0);
    await writeFile(manifest, (await readFile(manifest, "utf8")) + "# edited\n");
    const refused = await cli("manifest", "verify", manifest, "--trust", join(work, "k.pub.pem"));
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain("changed after it was signed");
  });
});

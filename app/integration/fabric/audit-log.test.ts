// The audit log: records chain, survive a reopen, batch their fsyncs, and any edit breaks verification.
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { AuditLog, GENESIS_HASH, verifyAuditLog, verifyAuditText, type AuditEvent } from "./audit-log.js";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "sb-audit-"));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const event = (target: string, outcome = "ok"): AuditEvent => ({
  target,
  kind: "function",
  session: "",
  durationMs: 0.25,
  outcome,
  argsSha256: "a".repeat(64),
});

async function writeLog(file: string, n: number): Promise<void> {
  const log = await AuditLog.open(file);
  for (let i = 0; i < n; i++) log.append(event(`math.f${i}`));
  await log.close();
}

describe("audit log", () => {
  it("chains each record to the one before and verifies", async () => {
    const file = join(dir, "audit.jsonl");
    await writeLog(file, 5);
    const lines = (await readFile(file, "utf8"))
      .trim()
      .split("\n")
      .map((l) => JSON.parse(l) as { seq: number; prev: string; hash: string; target: string });
    expect(lines.map((l) => l.seq)).toEqual([1, 2, 3, 4, 5]);
    expect(lines[0]!.prev).toBe(GENESIS_HASH);
    for (let i = 1; i < lines.length; i++) expect(lines[i]!.prev).toBe(lines[i - 1]!.hash);
    expect(await verifyAuditLog(file)).toEqual({ ok: true, records: 5 });
  });

  it("never writes the arguments, only their hash", async () => {
    const file = join(dir, "audit.jsonl");
    const log = await AuditLog.open(file);
    log.append({ ...event("client.query"), argsSha256: "b".repeat(64) });
    await log.close();
    const record = JSON.parse((await readFile(file, "utf8")).trim()) as Record<string, unknown>;
    expect(Object.keys(record).sort()).toEqual([
      "args_sha256",
      "duration_ms",
      "hash",
      "kind",
      "outcome",
      "prev",
      "seq",
      "session",
      "target",
      "time",
    ]);
  });

  it("continues the chain when reopened (a second run appends)", async () => {
    const file = join(dir, "audit.jsonl");
    await writeLog(file, 3);
    await writeLog(file, 2);
    expect(await verifyAuditLog(file)).toEqual({ ok: true, records: 5 });
  });

  it("writes buffered records within the flush interval, without close", async () => {
    const file = join(dir, "audit.jsonl");
    const log = await AuditLog.open(file, { flushIntervalMs: 20 });
    log.append(event("math.sqrt"));
    log.append(event("math.floor"));
    expect(await readFile(file, "utf8")).toBe(""); // still buffered: one write for both
    await new Promise((r) => setTimeout(r, 200));
    expect((await readFile(file, "utf8")).trim().split("\n")).toHaveLength(2);
    await log.close();
  });

  it("detects an edited line, a removed line, an inserted line and an added field", async () => {
    const file = join(dir, "audit.jsonl");
    await writeLog(file, 6);
    const original = await readFile(file, "utf8");
    const lines = original.trim().split("\n");

    const edited = [...lines];
    edited[2] = edited[2]!.replace('"outcome":"ok"', '"outcome":"not_allowed"');
    expect(verifyAuditText(edited.join("\n") + "\n")).toMatchObject({ ok: false, line: 3, records: 2 });

    const removed = lines.filter((_, i) => i !== 3);
    expect(verifyAuditText(removed.join("\n") + "\n")).toMatchObject({ ok: false, line: 4 });

    const inserted = [...lines.slice(0, 1), lines[1]!, ...lines.slice(1)];
    expect(verifyAuditText(inserted.join("\n") + "\n")).toMatchObject({ ok: false, line: 3 });

    const extraField = [...lines];
    extraField[4] = extraField[4]!.replace("{", '{"note":"x",');
    expect(verifyAuditText(extraField.join("\n") + "\n")).toMatchObject({ ok: false, line: 5 });

    // Rehashing one edited line is not enough: the next line still points at the old hash.
    const record = JSON.parse(lines[1]!) as Record<string, unknown>;
    record.target = "os.system";
    const { recordHash } = await import("./audit-log.js");
    const { hash: _old, ...body } = record as unknown as Parameters<typeof recordHash>[0] & { hash: string };
    const forged = [...lines];
    forged[1] = JSON.stringify({ ...body, hash: recordHash(body) });
    expect(verifyAuditText(forged.join("\n") + "\n")).toMatchObject({ ok: false, line: 3 });

    expect(verifyAuditText(original)).toEqual({ ok: true, records: 6 });
  });

  it("refuses a second writer while the first holds the log, and takes over a dead writer's lock", async () => {
    const file = join(dir, "audit.jsonl");
    const first = await AuditLog.open(file);
    await writeFile(`${file}.lock`, "1"); // pid 1 is always alive: another process's lock
    await expect(AuditLog.open(file)).rejects.toThrow(/being written by process 1/);
    await writeFile(`${file}.lock`, "999999999"); // no such process
    const second = await AuditLog.open(file);
    await second.close();
    await first.close();
  });

  it("refuses to continue a log whose last line is incomplete", async () => {
    const file = join(dir, "audit.jsonl");
    await writeLog(file, 2);
    await writeFile(file, (await readFile(file, "utf8")) + '{"seq":3', "utf8");
    expect(await verifyAuditLog(file)).toMatchObject({ ok: false, line: 3 });
    await expect(AuditLog.open(file)).rejects.toThrow(/incomplete line/);
  });
});

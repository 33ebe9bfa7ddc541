// Append-only, hash-chained JSONL audit log of calls made in enforce mode.
// Each line carries the hash of the line before it, so editing, inserting or removing a line breaks the chain
// from that point on (`snakebridge audit verify LOG`). Lines are buffered and written with one fsync at most
// every 100 ms (and at close), so auditing costs a call microseconds, not a disk round trip.
import { hash } from "node:crypto";
import { open, readFile, rm, writeFile, type FileHandle } from "node:fs/promises";

/** The hash a log's first line chains from. */
export const GENESIS_HASH = "0".repeat(64);

/** What one audited call did. The arguments are never written, only their hash. */
export interface AuditEvent {
  target: string;
  kind: string;
  session: string;
  durationMs: number;
  outcome: string;
  /** The arguments' hash, or a function computing it: called when the record is written, off the call's path. */
  argsSha256: string | (() => string);
  /** Epoch milliseconds when the call started (default: now). */
  time?: number;
}

/** One line of the log, as written. */
export interface AuditRecord {
  seq: number;
  time: string;
  target: string;
  kind: string;
  session: string;
  duration_ms: number;
  outcome: string;
  args_sha256: string;
  prev: string;
  hash: string;
}

const RECORD_KEYS = 10;

/** The fields the hash covers, in a fixed order (so the hash never depends on how a line was parsed). */
export function recordBody(record: Omit<AuditRecord, "hash">): string {
  return JSON.stringify([
    record.seq,
    record.time,
    record.target,
    record.kind,
    record.session,
    record.duration_ms,
    record.outcome,
    record.args_sha256,
    record.prev,
  ]);
}

/** The hash of a record: sha256 over its body, which includes the previous record's hash. */
export function recordHash(record: Omit<AuditRecord, "hash">): string {
  return hash("sha256", recordBody(record));
}

export interface AuditLogOptions {
  /** Longest time a record waits in memory before it is written and fsynced (default 100 ms). */
  flushIntervalMs?: number;
}

/** Reads the last complete line of an existing log: the chain continues from it. */
async function chainTail(file: string): Promise<{ seq: number; hash: string }> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return { seq: 0, hash: GENESIS_HASH };
    throw new Error(`Cannot read the audit log ${file}: ${(error as Error).message}`, { cause: error });
  }
  if (text.length > 0 && !text.endsWith("\n")) {
    throw new Error(
      `The audit log ${file} ends with an incomplete line (a crash mid-write, or tampering). ` +
        "Run `snakebridge audit verify` on it, move it aside, and start a new log.",
    );
  }
  const lines = text.split("\n").filter((l) => l.length > 0);
  const last = lines[lines.length - 1];
  if (last === undefined) return { seq: 0, hash: GENESIS_HASH };
  const record = JSON.parse(last) as AuditRecord;
  return { seq: record.seq, hash: record.hash };
}

/** Whether a process with this pid exists. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Takes `<log>.lock`: two processes appending to one log would fork its chain. A lock left by a process that
 * died is taken over.
 */
async function lockLog(file: string): Promise<string> {
  const lock = `${file}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(lock, String(process.pid), { flag: "wx", mode: 0o600 });
      return lock;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
      const owner = Number((await readFile(lock, "utf8").catch(() => "")).trim());
      if (Number.isInteger(owner) && owner > 0 && owner !== process.pid && alive(owner)) {
        throw new Error(
          `The audit log ${file} is being written by process ${owner}; each process needs its own log (--audit FILE).`,
        );
      }
      await rm(lock, { force: true });
    }
  }
  throw new Error(`Could not lock the audit log ${file} (${lock} keeps reappearing)`);
}

/** Records hashed and serialised per turn of the event loop while flushing: small slices keep calls flowing. */
const SLICE = 16;

/**
 * An open audit log. `append` only queues the event (the call it records pays nothing more); every
 * flushIntervalMs the queue is hashed into the chain, serialised in small slices between other work,
 * written, and fsynced.
 */
export class AuditLog {
  #pending: AuditEvent[] = [];
  #timer: NodeJS.Timeout | undefined;
  #writing: Promise<void> = Promise.resolve();
  #failure: Error | undefined;
  #closed = false;
  readonly #handle: FileHandle;
  #seq: number;
  #prev: string;
  readonly #flushIntervalMs: number;
  readonly #lock: string;

  private constructor(
    readonly file: string,
    handle: FileHandle,
    seq: number,
    prev: string,
    flushIntervalMs: number,
    lock: string,
  ) {
    this.#handle = handle;
    this.#seq = seq;
    this.#prev = prev;
    this.#flushIntervalMs = flushIntervalMs;
    this.#lock = lock;
  }

  /** Opens (or creates, mode 0600) a log and continues its chain. */
  static async open(file: string, options: AuditLogOptions = {}): Promise<AuditLog> {
    const lock = await lockLog(file);
    try {
      const tail = await chainTail(file);
      const handle = await open(file, "a", 0o600);
      return new AuditLog(file, handle, tail.seq, tail.hash, options.flushIntervalMs ?? 100, lock);
    } catch (error) {
      await rm(lock, { force: true });
      throw error;
    }
  }

  /** Records one call; throws if an earlier write failed (an audit that silently stops is worse than none). */
  append(event: AuditEvent): void {
    if (this.#failure) throw this.#failure;
    if (this.#closed) throw new Error(`the audit log ${this.file} is closed`);
    this.#pending.push(event.time === undefined ? { ...event, time: Date.now() } : event);
    this.#timer ??= setTimeout(() => {
      this.#timer = undefined;
      void this.flush();
    }, this.#flushIntervalMs);
  }

  /** Chains one event: its record, now linked to the previous one. */
  #record(event: AuditEvent): AuditRecord {
    const body: Omit<AuditRecord, "hash"> = {
      seq: this.#seq + 1,
      time: new Date(event.time ?? Date.now()).toISOString(),
      target: event.target,
      kind: event.kind,
      session: event.session,
      duration_ms: Math.round(event.durationMs * 1000) / 1000,
      outcome: event.outcome,
      args_sha256: typeof event.argsSha256 === "string" ? event.argsSha256 : event.argsSha256(),
      prev: this.#prev,
    };
    const record: AuditRecord = { ...body, hash: recordHash(body) };
    this.#seq = record.seq;
    this.#prev = record.hash;
    return record;
  }

  /** Hashes, writes and fsyncs everything appended so far. */
  flush(): Promise<void> {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
    }
    const events = this.#pending;
    this.#pending = [];
    if (events.length === 0) return this.#writing;
    this.#writing = this.#writing.then(async () => {
      if (this.#failure) return;
      try {
        const lines: string[] = [];
        for (let i = 0; i < events.length; i += SLICE) {
          if (i > 0) await new Promise<void>((resolve) => setImmediate(resolve));
          for (const event of events.slice(i, i + SLICE)) lines.push(JSON.stringify(this.#record(event)) + "\n");
        }
        await this.#handle.write(lines.join(""));
        await this.#handle.sync();
      } catch (error) {
        this.#failure = new Error(
          `Writing the audit log ${this.file} failed: ${(error as Error).message}. ` +
            "Calls are refused until the log is writable again (check disk space and permissions).",
          { cause: error },
        );
      }
    });
    return this.#writing;
  }

  /** Flushes, fsyncs and closes the file. */
  async close(): Promise<void> {
    if (this.#closed) return;
    await this.flush();
    this.#closed = true;
    await this.#handle.close();
    await rm(this.#lock, { force: true });
    if (this.#failure) throw this.#failure;
  }
}

/** The result of checking a log's chain. */
export interface AuditVerification {
  ok: boolean;
  records: number;
  /** 1-based line of the first problem. */
  line?: number;
  problem?: string;
}

/** Checks every line's hash and its link to the line before; stops at the first break. */
export function verifyAuditText(text: string): AuditVerification {
  const lines = text.split("\n");
  const complete = text.endsWith("\n") || text.length === 0;
  if (!complete) {
    return {
      ok: false,
      records: lines.length - 1,
      line: lines.length,
      problem: "the last line is incomplete (no newline): a crash mid-write or a truncated file",
    };
  }
  let prev = GENESIS_HASH;
  let seq = 0;
  for (let i = 0; i < lines.length - 1; i++) {
    const line = lines[i]!;
    const fail = (problem: string): AuditVerification => ({ ok: false, records: i, line: i + 1, problem });
    let record: AuditRecord;
    try {
      record = JSON.parse(line) as AuditRecord;
    } catch {
      return fail("not valid JSON");
    }
    if (typeof record !== "object" || record === null || typeof record.hash !== "string")
      return fail("not an audit record");
    if (Object.keys(record).length !== RECORD_KEYS)
      return fail("it has fields an audit record does not have (the line was edited)");
    if (record.seq !== seq + 1)
      return fail(
        `sequence number ${String(record.seq)} where ${seq + 1} was expected (a line was removed or inserted)`,
      );
    if (record.prev !== prev)
      return fail("its prev hash does not match the line before (a line was removed, inserted or edited)");
    const { hash, ...body } = record;
    if (recordHash(body) !== hash) return fail("its content does not match its hash (the line was edited)");
    prev = hash;
    seq = record.seq;
  }
  return { ok: true, records: seq };
}

/** Reads and verifies an audit log file. */
export async function verifyAuditLog(file: string): Promise<AuditVerification> {
  return verifyAuditText(await readFile(file, "utf8"));
}

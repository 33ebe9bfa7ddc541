// Finds the processes a test started, by a marker in their environment, so tests count and clean up only their own.
import { spawn, type ChildProcess } from "node:child_process";
import { randomBytes } from "node:crypto";
import { readFileSync, readdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";

/** The environment variable that marks a test's processes; every descendant inherits it. */
export const CENSUS_ENV = "SNAKEBRIDGE_TEST_CENSUS";

/** A process carrying a test's marker. */
export interface MarkedProcess {
  pid: number;
  ppid: number;
  command: string;
}

/** A fresh marker value, unique to one test. */
export function newMarker(): string {
  return `census-${process.pid}-${randomBytes(6).toString("hex")}`;
}

/** Live (non-zombie) processes of this user whose environment carries CENSUS_ENV=marker (Linux /proc). */
export function markedProcesses(marker: string): MarkedProcess[] {
  const needle = `${CENSUS_ENV}=${marker}`;
  const found: MarkedProcess[] = [];
  for (const name of readdirSync("/proc")) {
    const pid = Number(name);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    try {
      const environ = readFileSync(`/proc/${pid}/environ`, "latin1").split("\0");
      if (!environ.includes(needle)) continue;
      const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      if (fields[0] === "Z" || fields[0] === "X") continue;
      const command = readFileSync(`/proc/${pid}/cmdline`, "utf8").split("\0").filter(Boolean).join(" ");
      found.push({ pid, ppid: Number(fields[1]), command });
    } catch {
      // Gone while we looked, or not ours to read: either way not a leftover of this test.
    }
  }
  return found;
}

/** SIGKILLs every process still carrying the marker (test cleanup: only processes this test started carry it). */
export function killMarked(marker: string): number {
  const left = markedProcesses(marker);
  for (const p of left) {
    try {
      process.kill(p.pid, "SIGKILL");
    } catch {
      /* already gone */
    }
  }
  return left.length;
}

/** Polls until `predicate` holds or `timeoutMs` passes; resolves whether it held. */
export async function waitFor(predicate: () => boolean, timeoutMs: number, intervalMs = 50): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (predicate()) return true;
    if (Date.now() >= deadline) return false;
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

/** How many marked processes are left `afterMs` after an event, polling so a clean exit is seen early. */
export async function leftoversAfter(marker: string, afterMs: number): Promise<MarkedProcess[]> {
  await waitFor(() => markedProcesses(marker).length === 0, afterMs);
  return markedProcesses(marker);
}

/** Runs the CLI from the sources: `node --import tsx <cliEntry> <command> ...`. */
export const cliEntry = join(dirname(fileURLToPath(import.meta.url)), "cli-entry.ts");

/** A `snakebridge` process run from the sources, with its output collected. */
export interface CliProcess {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves with the first stdout/stderr line matching `pattern`; rejects on exit or after timeoutMs. */
  line(pattern: RegExp, timeoutMs: number): Promise<string>;
  /** Resolves with the exit code (or 128 + signal number) once it has exited. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `snakebridge <args>` from the TypeScript sources, marked with `marker`. */
export function startCli(
  args: readonly string[],
  options: { marker: string; env?: Record<string, string>; cwd?: string },
): CliProcess {
  return startNode(["--import", "tsx", cliEntry, ...args], options);
}

/** Starts `node <nodeArgs>`, marked with `marker`, with its output collected line by line. */
export function startNode(
  nodeArgs: readonly string[],
  options: { marker: string; env?: Record<string, string>; cwd?: string },
): CliProcess {
  const label = nodeArgs
    .filter((a) => a !== cliEntry)
    .join(" ")
    .slice(0, 120);
  const child = spawn(process.execPath, [...nodeArgs], {
    cwd: options.cwd ?? process.cwd(),
    stdio: ["ignore", "pipe", "pipe"],
    env: { ...process.env, ...options.env, [CENSUS_ENV]: options.marker },
  });
  let out = "";
  let err = "";
  const lines: string[] = [];
  const waiters = new Set<() => void>();
  for (const [stream, sink] of [
    [child.stdout!, (t: string) => (out += t)],
    [child.stderr!, (t: string) => (err += t)],
  ] as const) {
    stream.setEncoding("utf8");
    stream.on("data", sink);
    createInterface({ input: stream }).on("line", (line) => {
      lines.push(line);
      for (const wake of [...waiters]) wake();
    });
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once("exit", (code, signal) => {
      resolve({ code, signal });
      for (const wake of [...waiters]) wake();
    });
  });
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    exited,
    line(pattern, timeoutMs) {
      return new Promise<string>((resolve, reject) => {
        const timer = setTimeout(() => {
          waiters.delete(check);
          reject(new Error(`no line matching ${String(pattern)} within ${timeoutMs} ms; stderr:\n${err.slice(-2000)}`));
        }, timeoutMs);
        const check = (): void => {
          const hit = lines.find((l) => pattern.test(l));
          if (hit !== undefined) {
            clearTimeout(timer);
            waiters.delete(check);
            resolve(hit);
          } else if (child.exitCode !== null || child.signalCode !== null) {
            clearTimeout(timer);
            waiters.delete(check);
            reject(new Error(`node ${label} exited before printing ${String(pattern)}; stderr:\n${err.slice(-2000)}`));
          }
        };
        waiters.add(check);
        check();
      });
    },
  };
}

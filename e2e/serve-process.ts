// A `snakebridge serve` of the e2e suite's own: started detached (its own process group, so stopping it stops its
// Python workers too), resolved once it prints its URL.
import { spawn } from "node:child_process";
import { join } from "node:path";
import { repoRoot } from "./environment.js";

export interface ServeProcess {
  /** The URL serve printed, token included. */
  url: string;
  /** SIGTERM to the host's group, SIGKILL after 10 s; resolves once it has exited. Safe to call twice. */
  stop(): Promise<void>;
}

/** Runs `snakebridge serve ARGS` and resolves when it prints "Workbench available at URL". */
export async function startServe(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  timeoutMs = 120_000,
): Promise<ServeProcess> {
  const child = spawn(process.execPath, [join(repoRoot, "bin", "snakebridge.js"), "serve", ...args], {
    cwd: repoRoot,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
    env: { NO_COLOR: "1", ...env },
  });
  const signalGroup = (signal: NodeJS.Signals): void => {
    try {
      if (child.pid !== undefined) process.kill(-child.pid, signal);
    } catch {
      // The group is already gone.
    }
  };
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  let log = "";
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => {
      signalGroup("SIGKILL");
      reject(new Error(`snakebridge serve printed no URL within ${timeoutMs / 1000} s. Output:\n${log}`));
    }, timeoutMs);
    const onData = (chunk: Buffer): void => {
      log += chunk.toString();
      const match = /Workbench available at (http:\/\/\S+)/.exec(log);
      if (match?.[1]) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    };
    child.stdout.on("data", onData);
    child.stderr.on("data", onData);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      reject(new Error(`snakebridge serve exited (${signal ?? `code ${code}`}) before it was ready. Output:\n${log}`));
    });
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    signalGroup("SIGTERM");
    const killer = setTimeout(() => signalGroup("SIGKILL"), 10_000);
    await exited;
    clearTimeout(killer);
  };
  return { url, stop };
}

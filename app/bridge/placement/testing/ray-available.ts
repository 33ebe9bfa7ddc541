// Whether Ray is installed in the workers' interpreter; the Ray tests skip with this reason when it is not.
import { execFileSync } from "node:child_process";
import { interpreterCandidates } from "../../interpreter.js";

/** The interpreter the tests use and whether it can import ray. */
export function rayAvailability(): { ok: boolean; python: string; reason: string } {
  const python =
    interpreterCandidates().find((c) => c.source === "venv" || c.source === "env")?.executable ?? "python3";
  try {
    const version = execFileSync(python, ["-c", "import ray; print(ray.__version__)"], {
      encoding: "utf8",
      timeout: 60_000,
    }).trim();
    return { ok: true, python, reason: `ray ${version}` };
  } catch {
    return {
      ok: false,
      python,
      reason: `Ray is not installed in ${python} (pip install -r python/requirements-ray.txt)`,
    };
  }
}

/** Whether a process exists (signal 0). */
export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

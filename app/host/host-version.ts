// The workbench version reported in host.status (read once from package.json).
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

function readVersion(): string {
  // From app/host (sources) or dist/app/host (compiled), package.json is two or three folders up.
  const here = dirname(fileURLToPath(import.meta.url));
  for (const candidate of [join(here, "..", "..", "package.json"), join(here, "..", "..", "..", "package.json")]) {
    try {
      const parsed = JSON.parse(readFileSync(candidate, "utf8")) as { name?: unknown; version?: unknown };
      if (parsed.name === "snakebridge-workbench" && typeof parsed.version === "string") return parsed.version;
    } catch {
      // Not this candidate: try the next one.
    }
  }
  return "0.0.0-unknown";
}

/** The workbench's version. */
export const HOST_VERSION = readVersion();

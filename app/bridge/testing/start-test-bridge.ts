// Starts a PythonBridge for integration tests, with the test fixtures importable.
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { PythonBridge, type BridgeOptions } from "../index.js";

/** Folder holding sb_fixtures.py. */
export const fixturesDir = dirname(fileURLToPath(import.meta.url));

/** A bridge whose workers can import sb_fixtures; its process registry lives in a temp dir. */
export function startTestBridge(options: BridgeOptions = {}): Promise<PythonBridge> {
  const stateDir = mkdtempSync(join(tmpdir(), "sb-bridge-test-"));
  return PythonBridge.start({
    poolSize: 1,
    ...options,
    env: { PYTHONPATH: fixturesDir, ...options.env },
    pool: { stateDir, healthCheckIntervalMs: 0, ...options.pool },
  });
}

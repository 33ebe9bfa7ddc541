// Where the host's SDK runtime module lives, so cells and generated SDKs share the one the host binds to its bridge.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

/** The import specifier generated SDKs use for the runtime unless their manifest says otherwise. */
export const RUNTIME_SPECIFIER = "snakebridge-workbench/runtime";

const runtimeFolder = join(dirname(fileURLToPath(import.meta.url)), "..", "..", "..", "integration", "runtime");

/** The runtime module as this process loads it (index.ts under vitest/tsx, index.js when compiled). */
export const runtimeModuleUrl: string = pathToFileURL(
  existsSync(join(runtimeFolder, "index.ts")) ? join(runtimeFolder, "index.ts") : join(runtimeFolder, "index.js"),
).href;

/** Type declarations of the runtime for the cell type checker: the source when present, else emitted .d.ts. */
export function runtimeTypesFile(): string | undefined {
  return [join(runtimeFolder, "index.ts"), join(runtimeFolder, "index.d.ts")].find((file) => existsSync(file));
}

/** True when `file` (absolute, any extension) is the runtime's entry module. */
export function isRuntimeFile(file: string): boolean {
  const stem = file.replace(/\.(d\.ts|ts|js|mjs)$/, "");
  return stem === join(runtimeFolder, "index");
}

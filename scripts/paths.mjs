// Paths shared by the project's scripts.
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

export const projectRoot = join(dirname(fileURLToPath(import.meta.url)), "..");
export const venvDir = join(projectRoot, "python", ".venv");

/** The project venv's interpreter. */
export function venvPython() {
  return process.platform === "win32" ? join(venvDir, "Scripts", "python.exe") : join(venvDir, "bin", "python");
}

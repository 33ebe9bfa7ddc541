// Finds the built renderer (dist/renderer) from wherever this code runs: sources, dist/ or a package.
import { existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** $SNAKEBRIDGE_RENDERER_DIR, else the nearest dist/renderer above this module (created or not). */
export function rendererDir(): string {
  const override = process.env.SNAKEBRIDGE_RENDERER_DIR;
  if (override) return override;
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    if (existsSync(join(dir, "package.json"))) return join(dir, "dist", "renderer");
    const parent = dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  // No package root above us: fall back to the layout of the repository (app/host → ../../dist/renderer).
  return join(dirname(fileURLToPath(import.meta.url)), "..", "..", "dist", "renderer");
}

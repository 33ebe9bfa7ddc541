// Where the e2e suite finds its tools, and how global setup hands the host's address to the tests.
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

export const repoRoot = fileURLToPath(new URL("..", import.meta.url));

/** Environment variables global setup sets for the test workers. */
export const HOST_URL_VAR = "SNAKEBRIDGE_E2E_URL";
export const WORKSPACE_VAR = "SNAKEBRIDGE_E2E_WORKSPACE";

export const CHROMIUM_VAR = "SNAKEBRIDGE_E2E_CHROMIUM";
export { CHROMIUM_ARGS } from "../scripts/chromium.mjs";

/** The Chromium global setup resolved (see scripts/chromium.mjs for the order). */
export function chromiumPath(): string {
  const path = process.env[CHROMIUM_VAR];
  if (!path) throw new Error(`${CHROMIUM_VAR} is not set: the e2e global setup did not resolve a Chromium`);
  return path;
}

/** The Electron binary to drive, or null when none is installed (the Electron project then skips). */
export function electronBinary(): string | null {
  const override = process.env["ELECTRON_OVERRIDE_DIST_PATH"];
  const candidates = override
    ? [
        join(override, "electron"),
        join(override, "electron.exe"),
        join(override, "Electron.app", "Contents", "MacOS", "Electron"),
      ]
    : [join(repoRoot, "node_modules", "electron", "dist", "electron")];
  return candidates.find((candidate) => existsSync(candidate)) ?? null;
}

export const NO_ELECTRON_REASON =
  "No Electron binary: node_modules/electron/dist/electron is missing (npm 11 skips Electron's install script) and ELECTRON_OVERRIDE_DIST_PATH is not set. " +
  "Run `node node_modules/electron/install.js` or point ELECTRON_OVERRIDE_DIST_PATH at an unpacked Electron to run the Electron project.";

export function hostUrl(): string {
  const url = process.env[HOST_URL_VAR];
  if (!url) throw new Error(`${HOST_URL_VAR} is not set: the e2e global setup did not start the host`);
  return url;
}

export function workspaceDir(): string {
  const dir = process.env[WORKSPACE_VAR];
  if (!dir) throw new Error(`${WORKSPACE_VAR} is not set: the e2e global setup did not create a workspace`);
  return dir;
}

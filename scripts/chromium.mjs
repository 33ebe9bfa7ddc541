// Finds a Chromium for the end-to-end tests and the chart benchmark without downloading one.
// Order: $CHROMIUM_PATH, then a browser Playwright itself installed, then the build that the npm package
// @sparticuz/chromium ships inside its tarball (unpacked once into a private 0700 folder).
import { existsSync, lstatSync, mkdirSync, readFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { createRequire } from "node:module";

const require = createRequire(import.meta.url);

/** The flags every launch here uses: no sandbox (CI runs as root), no GPU, nothing that reaches the network. */
export const CHROMIUM_ARGS = [
  "--no-sandbox",
  "--disable-gpu",
  "--disable-dev-shm-usage",
  "--disable-background-networking",
  "--disable-component-update",
  "--disable-sync",
  "--no-first-run",
];

/** The private folder the npm-shipped Chromium is unpacked into; refuses one another user could have planted. */
export function privateUnpackDir() {
  const base = process.env["XDG_CACHE_HOME"] || join(homedir(), ".cache");
  const version = sparticuzVersion() ?? "unknown";
  const dir = join(base, "snakebridge", `chromium-${version}`);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const stat = lstatSync(dir);
  const uid = process.getuid?.();
  if (!stat.isDirectory() || stat.isSymbolicLink())
    throw new Error(`${dir} is not a plain folder; remove it and retry`);
  if (uid !== undefined && stat.uid !== uid)
    throw new Error(`${dir} belongs to uid ${stat.uid}, not to you (${uid}); remove it and retry`);
  if ((stat.mode & 0o077) !== 0) {
    throw new Error(
      `${dir} is readable or writable by others (mode ${(stat.mode & 0o777).toString(8)}); run: chmod 700 ${dir}`,
    );
  }
  return dir;
}

/** The installed @sparticuz/chromium's version, or null when it is not installed. */
function sparticuzVersion() {
  let dir;
  try {
    // The package is ESM-only and does not export its package.json: resolve its entry and walk up to the manifest.
    dir = dirname(fileURLToPath(import.meta.resolve("@sparticuz/chromium")));
  } catch {
    return null;
  }
  for (; dir !== dirname(dir); dir = dirname(dir)) {
    const manifest = join(dir, "package.json");
    if (existsSync(manifest)) {
      const parsed = JSON.parse(readFileSync(manifest, "utf8"));
      if (parsed.name === "@sparticuz/chromium") return parsed.version;
    }
  }
  return null;
}

function playwrightBrowser() {
  try {
    const { chromium } = require("playwright-core");
    const path = chromium.executablePath();
    return path && existsSync(path) ? path : null;
  } catch {
    return null;
  }
}

/**
 * Resolves a Chromium executable: `{ path, source }`, where source says which rule found it.
 * Throws an error that says how to get one when none of the three is available.
 */
export async function resolveChromium() {
  const override = process.env["CHROMIUM_PATH"];
  if (override) {
    if (!existsSync(override))
      throw new Error(`CHROMIUM_PATH=${override} does not exist; unset it to use the npm-shipped Chromium`);
    return { path: override, source: "CHROMIUM_PATH" };
  }
  const playwright = playwrightBrowser();
  if (playwright) return { path: playwright, source: "playwright" };
  if (!sparticuzVersion()) {
    throw new Error(
      "No Chromium: set CHROMIUM_PATH, or run `npm install` so that @sparticuz/chromium (a devDependency) is present",
    );
  }
  // The package unpacks into os.tmpdir(), which it reads from TMPDIR at call time; point it at a private folder
  // so that no other local user can plant a binary where it would look.
  const dir = privateUnpackDir();
  const previous = process.env["TMPDIR"];
  process.env["TMPDIR"] = dir;
  try {
    const { default: Chromium } = await import("@sparticuz/chromium");
    const path = await Chromium.executablePath();
    return { path, source: "@sparticuz/chromium" };
  } finally {
    if (previous === undefined) delete process.env["TMPDIR"];
    else process.env["TMPDIR"] = previous;
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  resolveChromium().then(
    ({ path, source }) => console.log(`${path} (${source})`),
    (error) => {
      console.error(error instanceof Error ? error.message : String(error));
      process.exit(1);
    },
  );
}

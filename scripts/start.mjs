#!/usr/bin/env node
// `npm start`: builds what is missing, then opens the desktop app when Electron can run here, or the web
// workbench (`snakebridge serve`) when it cannot. Extra arguments go to `serve` (e.g. npm start -- --port 0).
import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { projectRoot } from "./paths.mjs";

const dist = join(projectRoot, "dist");

/** Newest modification time of the .ts/.cts files under `dir` (0 when none). */
function newestSource(dir) {
  let newest = 0;
  if (!existsSync(dir)) return newest;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (entry.isFile() && /\.c?ts$/.test(entry.name) && !entry.name.endsWith(".test.ts")) {
      newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
    }
  }
  return newest;
}

function run(command, args) {
  const result = spawnSync(command, args, { cwd: projectRoot, stdio: "inherit", shell: process.platform === "win32" });
  if (result.error) throw result.error;
  if (result.status !== 0) {
    console.error(`snakebridge start: \`${command} ${args.join(" ")}\` failed (exit ${result.status}).`);
    process.exit(result.status ?? 1);
  }
}

function buildIfNeeded() {
  const outputs = [
    join(dist, "main", "main.js"),
    join(dist, "main", "preload.cjs"),
    join(dist, "app", "cli", "main.js"),
  ];
  const builtAt = Math.min(...outputs.map((file) => (existsSync(file) ? statSync(file).mtimeMs : 0)));
  const sourcesAt = Math.max(
    ...["app", "main", join("proto", "generated")].map((dir) => newestSource(join(projectRoot, dir))),
  );
  if (builtAt < sourcesAt) {
    console.log("Building the host (tsc)…");
    run(process.execPath, [join(projectRoot, "node_modules", "typescript", "bin", "tsc"), "-p", "tsconfig.build.json"]);
  }
  if (!existsSync(join(dist, "renderer", "index.html"))) {
    console.log("Building the UI (vite)…");
    run(process.execPath, [
      join(projectRoot, "node_modules", "vite", "bin", "vite.js"),
      "build",
      "--config",
      "renderer/vite.config.ts",
    ]);
  }
}

/** The Electron executable, or undefined when none was downloaded (or a download was skipped/blocked). */
function electronBinary() {
  const executable =
    process.platform === "win32"
      ? "electron.exe"
      : process.platform === "darwin"
        ? "Electron.app/Contents/MacOS/Electron"
        : "electron";
  const override = process.env.ELECTRON_OVERRIDE_DIST_PATH;
  if (override) {
    const candidate = join(override, executable);
    return existsSync(candidate) ? candidate : undefined;
  }
  const packageDir = join(projectRoot, "node_modules", "electron");
  const pathFile = join(packageDir, "path.txt");
  if (!existsSync(pathFile)) return undefined;
  const candidate = join(packageDir, "dist", readFileSync(pathFile, "utf8").trim());
  return existsSync(candidate) ? candidate : undefined;
}

function hasDisplay() {
  if (process.platform !== "linux") return true;
  return Boolean(process.env.DISPLAY || process.env.WAYLAND_DISPLAY);
}

/**
 * Runs a child in the foreground: SIGINT, SIGTERM and SIGHUP reach it (it stops cleanly: workers, registry,
 * a training run's checkpoint), and its exit code becomes ours. We stay until it has exited.
 */
async function foreground(command, args) {
  // Built by buildIfNeeded(): the one module every long-running command uses for these signals.
  const { STOP_WITH_PARENT_ENV, forwardShutdownSignals, signalExitCode } = await import(
    pathToFileURL(join(dist, "app", "host", "shutdown-signals.js")).href
  );
  // If we are killed with SIGKILL (nothing to forward), the child notices our pid is gone and stops cleanly.
  const env = { ...process.env, [STOP_WITH_PARENT_ENV]: String(process.pid) };
  const child = spawn(command, args, { cwd: projectRoot, stdio: "inherit", env });
  const stopForwarding = forwardShutdownSignals(child);
  child.on("error", (error) => {
    console.error(`snakebridge start: could not run ${command}: ${error.message}`);
    process.exit(1);
  });
  child.on("exit", (code, signal) => {
    stopForwarding();
    process.exitCode = code ?? (signal ? signalExitCode(signal) : 0);
  });
}

/**
 * npm blocks dependency install scripts, so Electron's binary is not fetched by `npm install`. Fetch it once
 * here, where it can be; where it cannot (no network to GitHub), this fails fast and the web workbench opens.
 */
function fetchElectronOnce() {
  if (electronBinary() || process.env.ELECTRON_SKIP_BINARY_DOWNLOAD || process.env.CI) return;
  const installer = join(projectRoot, "node_modules", "electron", "install.js");
  if (!existsSync(installer)) return;
  console.log("Fetching the Electron binary…");
  const result = spawnSync(process.execPath, [installer], {
    cwd: projectRoot,
    stdio: ["ignore", "ignore", "pipe"],
    timeout: 300_000,
    encoding: "utf8",
  });
  if (result.status !== 0) {
    const reason = (result.stderr ?? "").split("\n").find((line) => line.trim()) ?? `exit ${result.status}`;
    console.log(`  could not fetch it (${reason.trim()}).`);
  }
}

buildIfNeeded();
fetchElectronOnce();
const electron = electronBinary();
const extraArgs = process.argv.slice(2);
if (electron && hasDisplay()) {
  await foreground(electron, [projectRoot]);
} else {
  const why = !electron
    ? "No Electron binary (download blocked or skipped)"
    : "No display (DISPLAY / WAYLAND_DISPLAY unset)";
  console.log(`${why} — starting the web workbench instead.`);
  if (!electron)
    console.log(
      "  For the desktop app: node node_modules/electron/install.js (needs GitHub), or set ELECTRON_OVERRIDE_DIST_PATH.",
    );
  await foreground(process.execPath, [join(projectRoot, "bin", "snakebridge.js"), "serve", ...extraArgs]);
}

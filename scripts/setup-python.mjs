#!/usr/bin/env node
// Provisions python/.venv for the worker without touching the user's own environment.
// Usage: node scripts/setup-python.mjs [--extra NAME]... [--dev]
// Extras are python/requirements-<name>.txt files. By default (`npm install`) every extra is installed; choose with
// SNAKEBRIDGE_PYTHON_EXTRAS=training,ray (or `all`, or `none`) or with --extra flags.
// Set SNAKEBRIDGE_SKIP_PYTHON_SETUP=1 to skip (e.g. when you manage the interpreter yourself).
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { projectRoot, venvDir, venvPython } from "./paths.mjs";

const MIN_PYTHON = [3, 10];

function log(message) {
  console.log(`[snakebridge setup] ${message}`);
}

function fail(message) {
  console.error(`[snakebridge setup] ERROR: ${message}`);
  process.exit(1);
}

function pythonVersion(executable) {
  const probe = spawnSync(executable, ["-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"], {
    encoding: "utf8",
  });
  if (probe.status !== 0 || probe.error) return null;
  return probe.stdout.trim();
}

function findBasePython() {
  const candidates = [process.env.SNAKEBRIDGE_PYTHON, "python3", "python"].filter(Boolean);
  const rejected = [];
  for (const candidate of candidates) {
    const version = pythonVersion(candidate);
    if (!version) {
      rejected.push(`${candidate}: not runnable`);
      continue;
    }
    const [major, minor] = version.split(".").map(Number);
    if (major > MIN_PYTHON[0] || (major === MIN_PYTHON[0] && minor >= MIN_PYTHON[1]))
      return { executable: candidate, version };
    rejected.push(`${candidate}: ${version} is older than ${MIN_PYTHON.join(".")}`);
  }
  fail(
    `no Python ${MIN_PYTHON.join(".")}+ found (${rejected.join("; ")}).\n` +
      "Install Python 3.10 or newer, or point SNAKEBRIDGE_PYTHON at one, then run: npm install",
  );
}

/** Every optional extra: each python/requirements-<name>.txt except the test-only dev file. */
export function availableExtras() {
  return readdirSync(join(projectRoot, "python"))
    .map((file) => /^requirements-([a-z0-9_-]+)\.txt$/.exec(file)?.[1])
    .filter((name) => name && name !== "dev")
    .sort();
}

/**
 * The extras to install: `--extra NAME` flags (repeatable, comma lists allowed), else SNAKEBRIDGE_PYTHON_EXTRAS,
 * else `all`. `all` means every extra; `none` means the worker's base requirements only.
 */
export function selectExtras(args, env = process.env) {
  const flagged = args.flatMap((arg, i) =>
    arg === "--extra" ? [args[i + 1] ?? ""] : arg.startsWith("--extra=") ? [arg.slice(8)] : [],
  );
  const spec = flagged.length > 0 ? flagged.join(",") : (env.SNAKEBRIDGE_PYTHON_EXTRAS ?? "all");
  const names = spec
    .split(",")
    .map((name) => name.trim())
    .filter(Boolean);
  const available = availableExtras();
  if (names.includes("none")) {
    if (names.length > 1) fail(`"none" cannot be combined with other extras (got "${spec}")`);
    return [];
  }
  if (names.includes("all")) return available;
  const unknown = names.filter((name) => !available.includes(name));
  if (unknown.length > 0) {
    fail(
      `unknown extra ${unknown.map((n) => `"${n}"`).join(", ")}: choose from ${[...available, "all", "none"].join(", ")}`,
    );
  }
  return [...new Set(names)];
}

function requirementFiles(args, extras) {
  const files = ["requirements.txt"];
  if (args.includes("--dev") || process.env.CI || process.env.npm_lifecycle_event === "postinstall")
    files.push("requirements-dev.txt");
  return [...files, ...extras.map((extra) => `requirements-${extra}.txt`)];
}

function stampFor(files) {
  const hash = createHash("sha256");
  for (const f of files) hash.update(f).update(readFileSync(join(projectRoot, "python", f)));
  return hash.digest("hex");
}

function main() {
  if (process.env.SNAKEBRIDGE_SKIP_PYTHON_SETUP === "1") {
    log("SNAKEBRIDGE_SKIP_PYTHON_SETUP=1: skipping the Python venv.");
    return;
  }
  const args = process.argv.slice(2);
  const extras = selectExtras(args);
  if (!existsSync(venvPython())) {
    const base = findBasePython();
    log(`creating ${venvDir} with ${base.executable} (${base.version})`);
    execFileSync(base.executable, ["-m", "venv", venvDir], { stdio: "inherit" });
  }
  const files = requirementFiles(args, extras);
  const stampPath = join(venvDir, `.snakebridge-stamp-${files.join("+")}`);
  const stamp = stampFor(files);
  if (existsSync(stampPath) && readFileSync(stampPath, "utf8") === stamp) {
    log(`python/.venv is up to date (${files.join(", ")})`);
    return;
  }
  log(
    `extras: ${extras.length > 0 ? extras.join(", ") : "none"} (choose with SNAKEBRIDGE_PYTHON_EXTRAS=name,name | all | none)`,
  );
  if (extras.includes("training"))
    log("the training extra brings torch, transformers and peft: about 5.6 GB and a few minutes on a first install");
  log(`installing ${files.join(", ")} into python/.venv (pip's cache makes repeats fast)`);
  const started = Date.now();
  const pip = spawnSync(
    venvPython(),
    [
      "-m",
      "pip",
      "install",
      "--disable-pip-version-check",
      "--progress-bar",
      "off",
      ...files.flatMap((f) => ["-r", join(projectRoot, "python", f)]),
    ],
    { stdio: "inherit" },
  );
  if (pip.status !== 0) {
    fail(
      `pip could not install ${files.join(", ")} (exit ${pip.status}). Check the messages above; PyPI must be reachable. ` +
        "To install fewer extras, run: SNAKEBRIDGE_PYTHON_EXTRAS=none npm install (or a comma list of extras).",
    );
  }
  writeFileSync(stampPath, stamp);
  log(`python/.venv is ready (${((Date.now() - started) / 1000).toFixed(0)} s)`);
}

if (import.meta.url === `file://${process.argv[1]}`) main();

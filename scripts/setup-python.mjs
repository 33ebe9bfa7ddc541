#!/usr/bin/env node
// Provisions python/.venv for the worker without touching the user's own environment.
// Usage: node scripts/setup-python.mjs [--extra training] [--dev]
// Set SNAKEBRIDGE_SKIP_PYTHON_SETUP=1 to skip (e.g. when you manage the interpreter yourself).
import { execFileSync, spawnSync } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
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
  const probe = spawnSync(executable, ["-c", "import sys; print('%d.%d.%d' % sys.version_info[:3])"], { encoding: "utf8" });
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
    if (major > MIN_PYTHON[0] || (major === MIN_PYTHON[0] && minor >= MIN_PYTHON[1])) return { executable: candidate, version };
    rejected.push(`${candidate}: ${version} is older than ${MIN_PYTHON.join(".")}`);
  }
  fail(
    `no Python ${MIN_PYTHON.join(".")}+ found (${rejected.join("; ")}).\n` +
      "Install Python 3.10 or newer, or point SNAKEBRIDGE_PYTHON at one, then run: npm install",
  );
}

function requirementFiles(args) {
  const files = ["requirements.txt"];
  if (args.includes("--dev") || process.env.CI || process.env.npm_lifecycle_event === "postinstall") files.push("requirements-dev.txt");
  const extraIndex = args.indexOf("--extra");
  if (extraIndex >= 0) {
    const extra = args[extraIndex + 1];
    const file = `requirements-${extra}.txt`;
    if (!existsSync(join(projectRoot, "python", file))) fail(`unknown extra "${extra}": python/${file} does not exist`);
    files.push(file);
  }
  return files;
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
  if (!existsSync(venvPython())) {
    const base = findBasePython();
    log(`creating ${venvDir} with ${base.executable} (${base.version})`);
    execFileSync(base.executable, ["-m", "venv", venvDir], { stdio: "inherit" });
  }
  const files = requirementFiles(args);
  const stampPath = join(venvDir, `.snakebridge-stamp-${files.join("+")}`);
  const stamp = stampFor(files);
  if (existsSync(stampPath) && readFileSync(stampPath, "utf8") === stamp) {
    log(`python/.venv is up to date (${files.join(", ")})`);
    return;
  }
  log(`installing ${files.join(", ")} into python/.venv (pip's cache makes repeats fast)`);
  const pip = spawnSync(
    venvPython(),
    ["-m", "pip", "install", "--quiet", "--disable-pip-version-check", "--progress-bar", "off", ...files.flatMap((f) => ["-r", join(projectRoot, "python", f)])],
    { stdio: "inherit" },
  );
  if (pip.status !== 0) {
    fail(`pip could not install ${files.join(", ")} (exit ${pip.status}). Check the messages above; the registry must be reachable.`);
  }
  writeFileSync(stampPath, stamp);
  log("python/.venv is ready");
}

main();

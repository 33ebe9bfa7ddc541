#!/usr/bin/env node
// `npm test`: builds, checks the contract and layer boundaries, then runs every suite —
// TypeScript (vitest), Python (pytest), end-to-end (Playwright on Chromium against `snakebridge serve`).
// Prints one closing line: "N passed, N failed, N skipped".
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { projectRoot, venvPython } from "./paths.mjs";

const only = process.argv.slice(2); // e.g. `npm test -- ts py` runs a subset
const want = (name) => only.length === 0 || only.includes(name);
const totals = { passed: 0, failed: 0, skipped: 0 };
const failures = [];

function step(title, command, args, options = {}) {
  console.log(`\n▶ ${title}: ${[command, ...args].join(" ")}`);
  const result = spawnSync(command, args, { cwd: projectRoot, stdio: "inherit", ...options });
  if (result.error) throw result.error;
  return result.status ?? 1;
}

function gate(title, command, args) {
  const status = step(title, command, args);
  if (status !== 0) {
    failures.push(title);
    totals.failed += 1;
  } else {
    totals.passed += 1;
  }
}

function readJson(path) {
  return existsSync(path) ? JSON.parse(readFileSync(path, "utf8")) : undefined;
}

const scratch = mkdtempSync(join(tmpdir(), "snakebridge-test-"));
try {
  if (want("build")) {
    gate("build", "npm", ["run", "--silent", "build"]);
    gate("proto up to date", process.execPath, ["scripts/generate-proto.mjs", "--check"]);
    gate("lint (layers, no any)", "npx", ["eslint", "--max-warnings=0", "."]);
  }

  if (want("ts")) {
    const report = join(scratch, "vitest.json");
    const status = step("TypeScript tests", "npx", ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile=${report}`]);
    const json = readJson(report);
    if (json) {
      totals.passed += json.numPassedTests;
      totals.failed += json.numFailedTests;
      totals.skipped += json.numPendingTests + json.numTodoTests;
    }
    if (status !== 0) failures.push("TypeScript tests");
  }

  if (want("py")) {
    const report = join(scratch, "pytest.xml");
    const status = step("Python tests", venvPython(), ["-m", "pytest", "-q", "python", `--junitxml=${report}`]);
    if (existsSync(report)) {
      const xml = readFileSync(report, "utf8");
      const suite = /<testsuite [^>]*>/.exec(xml)?.[0] ?? "";
      const num = (name) => Number(new RegExp(`${name}="(\\d+)"`).exec(suite)?.[1] ?? 0);
      const failed = num("failures") + num("errors");
      const skipped = num("skipped");
      totals.failed += failed;
      totals.skipped += skipped;
      totals.passed += num("tests") - failed - skipped;
    }
    // pytest's 5 means "no tests collected": a failure here, never a pass.
    if (status !== 0) failures.push(`Python tests (exit ${status})`);
  }

  if (want("e2e")) {
    const report = join(scratch, "playwright.json");
    const status = step("End-to-end tests", "npx", ["playwright", "test", "-c", "e2e/playwright.config.ts", "--reporter=list,json"], {
      env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: report },
    });
    const json = readJson(report);
    if (json?.stats) {
      totals.passed += json.stats.expected;
      totals.failed += json.stats.unexpected;
      totals.skipped += json.stats.skipped;
    }
    if (status !== 0) failures.push("End-to-end tests");
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

console.log("");
if (failures.length > 0) console.log(`Failed: ${failures.join(", ")}`);
console.log(`${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
process.exit(failures.length > 0 ? 1 : 0);

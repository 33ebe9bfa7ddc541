#!/usr/bin/env node
// `npm test`: builds, checks the contract, the lockfile and the layer boundaries, then runs every suite —
// TypeScript (vitest), Python (pytest), end-to-end (Playwright on Chromium against `snakebridge serve`).
// Every step has a time bound; a step past it is killed with its whole process group and counted as failed.
// Prints one closing line: "N passed, N failed, N skipped".
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { projectRoot, venvPython } from "./paths.mjs";

const only = process.argv.slice(2); // e.g. `npm test -- ts py` runs a subset
const want = (name) => only.length === 0 || only.includes(name);
const totals = { passed: 0, failed: 0, skipped: 0 };
const failures = [];
const MINUTE = 60_000;
let interruptedBy = null;

/** Runs one step in its own process group; past `limitMs` the group is killed and the step fails. */
function step(title, command, args, { limitMs, env } = {}) {
  console.log(`\n▶ ${title}: ${[command, ...args].join(" ")}`);
  const started = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd: projectRoot, stdio: "inherit", detached: true, env: env ?? process.env });
    const killGroup = (signal) => {
      try {
        process.kill(-child.pid, signal);
      } catch {
        // The group is already gone.
      }
    };
    let timedOut = false;
    const timer = setTimeout(
      () => {
        timedOut = true;
        console.error(`\n✖ ${title} ran past its bound of ${limitMs / MINUTE} min: stopping it.`);
        killGroup("SIGTERM");
        setTimeout(() => killGroup("SIGKILL"), 5_000).unref();
      },
      limitMs ?? 10 * MINUTE,
    );
    // Ctrl+C or a CI cancel stops the running step's whole group too, so nothing outlives `npm test`.
    const forward = (signal) => {
      interruptedBy = signal;
      killGroup(signal);
    };
    process.on("SIGINT", forward);
    process.on("SIGTERM", forward);
    child.once("error", reject);
    child.once("exit", (code, signal) => {
      clearTimeout(timer);
      process.off("SIGINT", forward);
      process.off("SIGTERM", forward);
      // Stragglers a suite left in its group (a test's server, a worker) end with it.
      killGroup("SIGKILL");
      console.log(
        `◀ ${title}: ${timedOut ? "timed out" : signal ? `killed by ${signal}` : `exit ${code}`} after ${((Date.now() - started) / 1000).toFixed(1)} s`,
      );
      if (interruptedBy) {
        console.log(`\nnpm test stopped by ${interruptedBy}.`);
        process.exit(130);
      }
      resolve(timedOut ? 124 : (code ?? 1));
    });
  });
}

async function gate(title, command, args, options) {
  const status = await step(title, command, args, options);
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

/** True when this is a git checkout (a tarball or an installed package has no lockfile history to compare). */
function isGitCheckout() {
  return (
    spawnSync("git", ["rev-parse", "--is-inside-work-tree"], { cwd: projectRoot, encoding: "utf8" }).stdout?.trim() ===
    "true"
  );
}

const scratch = mkdtempSync(join(tmpdir(), "snakebridge-test-"));
try {
  if (want("build")) {
    if (isGitCheckout()) {
      // `npm install` must install exactly the committed lock; a rewritten lock means the lock is not the truth.
      await gate(
        "lockfile unchanged by npm install",
        "git",
        ["diff", "--exit-code", "--stat", "--", "package-lock.json"],
        { limitMs: MINUTE },
      );
    }
    await gate("build", "npm", ["run", "--silent", "build"], { limitMs: 10 * MINUTE });
    // The build compiles only shipped code and vite does not type-check: tests, e2e specs, benches and the renderer
    // are type-checked here.
    await gate("type-check (tests, e2e, bench, renderer)", "npm", ["run", "--silent", "typecheck"], {
      limitMs: 10 * MINUTE,
    });
    await gate("proto up to date", process.execPath, ["scripts/generate-proto.mjs", "--check"], {
      limitMs: 5 * MINUTE,
    });
    await gate("lint (layers, no any, formatting; ruff and strict mypy)", "npm", ["run", "--silent", "lint"], {
      limitMs: 10 * MINUTE,
    });
  }

  if (want("ts")) {
    const report = join(scratch, "vitest.json");
    const status = await step(
      "TypeScript tests",
      "npx",
      ["vitest", "run", "--reporter=default", "--reporter=json", `--outputFile=${report}`],
      {
        limitMs: 20 * MINUTE,
      },
    );
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
    const status = await step("Python tests", venvPython(), ["-m", "pytest", "-q", "python", `--junitxml=${report}`], {
      limitMs: 20 * MINUTE,
    });
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
    const status = await step(
      "End-to-end tests",
      "npx",
      ["playwright", "test", "-c", "e2e/playwright.config.ts", "--reporter=list,json"],
      {
        limitMs: 25 * MINUTE,
        env: { ...process.env, PLAYWRIGHT_JSON_OUTPUT_NAME: report },
      },
    );
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

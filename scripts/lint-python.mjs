#!/usr/bin/env node
// Lints the Python worker: `ruff check` and strict `mypy` (configured in python/pyproject.toml), both run from
// python/.venv. Exits non-zero on any finding, or when the venv or its dev tools are missing.
//
// Optional extras: modules that need an extra that is not installed in the venv (the training extra's torch,
// transformers and peft; the ray extra) are left out of mypy's file list, with a note, and mypy is told not to
// report errors in modules it only reaches through imports. Where the extras are installed (the default
// `npm install`), everything is checked.
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { projectRoot, venvPython } from "./paths.mjs";

const pythonDir = join(projectRoot, "python");

/** Each optional extra: the modules that show it is installed, and the files that cannot be checked without it. */
const EXTRAS = [
  {
    name: "training",
    modules: ["torch", "transformers", "peft"],
    files: ["snakebridge_worker/training", "tests/test_training.py"],
  },
  {
    name: "ray",
    modules: ["ray"],
    files: ["snakebridge_worker/ray_agent.py", "snakebridge_worker/ray_worker_actor.py", "tests/test_ray_agent.py"],
  },
];

/** pyproject.toml's [tool.mypy] exclude, as paths. */
const EXCLUDED = ["snakebridge_worker/_generated/", "tests/fixtures_introspect/"];

function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function fail(message) {
  console.error(`lint-python: ${message}`);
  process.exit(1);
}

function run(args) {
  console.log(`lint-python: ${args.join(" ")}`);
  const result = spawnSync(venvPython(), args, { cwd: pythonDir, stdio: "inherit" });
  if (result.error) fail(`could not run ${venvPython()}: ${result.error.message}`);
  return result.status ?? 1;
}

/** Whether every module can be found by the venv's interpreter (without importing it: torch takes seconds). */
function installed(modules) {
  const probe = `import importlib.util, sys; sys.exit(0 if all(importlib.util.find_spec(m) for m in ${JSON.stringify(modules)}) else 1)`;
  return spawnSync(venvPython(), ["-c", probe], { cwd: pythonDir }).status === 0;
}

function main() {
  if (!existsSync(venvPython())) {
    fail(`the project venv is missing (${venvPython()}). Create it with: npm run setup:python -- --dev`);
  }
  if (!installed(["ruff", "mypy"])) {
    fail("ruff or mypy is not installed in python/.venv. Install the dev tools with: npm run setup:python -- --dev");
  }

  const mypyArgs = ["-m", "mypy"];
  const missing = EXTRAS.filter((extra) => !installed(extra.modules));
  for (const extra of missing) {
    console.log(
      `lint-python: note: the ${extra.name} extra (${extra.modules.join(", ")}) is not installed in python/.venv, so mypy ` +
        `skips ${extra.files.join(", ")}. Check them with: npm run setup:python -- --extra ${extra.name}`,
    );
  }
  if (missing.length > 0) {
    // --exclude replaces pyproject's `exclude`, so this pattern repeats it (the generated code, the test fixtures).
    const skipped = [...EXCLUDED, ...missing.flatMap((extra) => extra.files)];
    mypyArgs.push("--follow-imports", "silent", "--exclude", `^(${skipped.map(escapeRegExp).join("|")})`);
  }

  const ruff = run(["-m", "ruff", "check", "."]);
  const mypy = run(mypyArgs);
  if (ruff !== 0 || mypy !== 0) {
    fail(`findings: ${[ruff !== 0 && "ruff", mypy !== 0 && "mypy"].filter(Boolean).join(" and ")} (see above)`);
  }
  console.log("lint-python: clean");
}

main();

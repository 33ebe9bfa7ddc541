// For tests of integration environments: wheels of tiny pure-Python packages, built on this machine with
// `pip wheel` (no build isolation, no index), so `env sync --no-index --find-links` installs them offline.
import { execFile } from "node:child_process";
import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { promisify } from "node:util";

const exec = promisify(execFile);

/** Where the package sources go and where the wheels land; `python` has setuptools and pip. */
export interface WheelWorkspace {
  python: string;
  /** Source trees are written under `<work>/src`. */
  work: string;
  wheels: string;
}

/** Writes the package `name` (its __init__.py is `body` after `__version__`) and builds its wheel into `wheels`. */
export async function buildLocalWheel(
  at: WheelWorkspace,
  name: string,
  version: string,
  body: string,
  requires: readonly string[] = [],
): Promise<void> {
  const src = join(at.work, "src", `${name}-${version}`);
  await mkdir(join(src, name), { recursive: true });
  await writeFile(join(src, name, "__init__.py"), `__version__ = "${version}"\n${body}`);
  await writeFile(
    join(src, "pyproject.toml"),
    [
      "[build-system]",
      'requires = ["setuptools"]',
      'build-backend = "setuptools.build_meta"',
      "",
      "[project]",
      `name = "${name}"`,
      `version = "${version}"`,
      `dependencies = ${JSON.stringify(requires)}`,
      "",
      "[tool.setuptools]",
      `packages = ["${name}"]`,
      "",
    ].join("\n"),
  );
  await exec(
    at.python,
    ["-m", "pip", "wheel", "--no-build-isolation", "--no-deps", "--no-index", "-q", "-w", at.wheels, src],
    { timeout: 120_000 },
  );
}

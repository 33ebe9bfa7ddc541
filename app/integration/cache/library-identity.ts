// What a descriptor depends on, learned cheaply: library version + interpreter, remembered on disk with file stamps.
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, rename, stat, writeFile } from "node:fs/promises";
import { isAbsolute, join } from "node:path";
import { promisify } from "node:util";
import { interpreterCandidates } from "../../bridge/index.js";

const run = promisify(execFile);

/** The facts a descriptor is keyed by. */
export interface LibraryIdentity {
  /** The module asked about. */
  module: string;
  /** False when the interpreter cannot find the module's top-level package. */
  found: boolean;
  /** Distribution version ("" for the standard library or when unknown). */
  version: string;
  /** Distribution name when it differs from the module (PyYAML for yaml); "" otherwise. */
  distribution: string;
  stdlib: boolean;
  pythonExecutable: string;
  pythonVersion: string;
  /** Paths whose modification times change when the library or the interpreter is (re)installed. */
  stamps: { path: string; mtimeMs: number }[];
}

// Deliberately light: it locates the package and reads its metadata without importing it,
// so a probe costs about as much as starting the interpreter (~0.1 s), not as much as importing numpy.
const PROBE = String.raw`
import sys, os, json, importlib.util, importlib.metadata as md
out = {"executable": sys.executable, "version": "%d.%d.%d" % sys.version_info[:3], "modules": {}}
for name in sys.argv[1:]:
    top = name.split(".")[0]
    info = {"found": False, "version": "", "distribution": "", "stdlib": top in sys.stdlib_module_names, "paths": [os.path.realpath(sys.executable)]}
    try:
        spec = importlib.util.find_spec(top)
    except Exception:
        spec = None
    if spec is not None:
        info["found"] = True
        locations = list(spec.submodule_search_locations or [])
        where = locations[0] if locations else (spec.origin if spec.origin not in (None, "built-in", "frozen") else None)
        if where:
            where = os.path.realpath(where)
            info["paths"] += [where, os.path.dirname(where)]
        if not info["stdlib"]:
            candidates = [top] + [d for d in md.packages_distributions().get(top, []) if d != top]
            for dist in candidates:
                try:
                    info["version"] = md.version(dist)
                    info["distribution"] = "" if dist == top else dist
                    break
                except md.PackageNotFoundError:
                    continue
    out["modules"][name] = info
print(json.dumps(out))
`;

interface ProbeOutput {
  executable: string;
  version: string;
  modules: Record<string, { found: boolean; version: string; distribution: string; stdlib: boolean; paths: string[] }>;
}

/** The interpreter the bridge would pick first, without running anything: explicit → env → project venv → python3. */
export function likelyInterpreter(explicit?: string): string {
  const candidates = interpreterCandidates(explicit);
  return (candidates.find((c) => isAbsolute(c.executable) && existsSync(c.executable)) ?? candidates[0]!).executable;
}

async function mtimeOf(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).mtimeMs;
  } catch {
    return undefined; // a vanished path simply makes the stamp stale
  }
}

/** Runs the probe for `modules` in `python` (one interpreter start for all of them). */
export async function probeLibraries(python: string, modules: readonly string[]): Promise<LibraryIdentity[]> {
  let stdout: string;
  try {
    ({ stdout } = await run(python, ["-c", PROBE, ...modules], { timeout: 30_000, encoding: "utf8" }));
  } catch (error) {
    throw new Error(
      `Could not run ${python} to look up ${modules.join(", ")}: ${(error as Error).message.split("\n")[0]}. ` +
        "Check the interpreter path (--python or SNAKEBRIDGE_PYTHON).",
      { cause: error },
    );
  }
  const parsed = JSON.parse(stdout) as ProbeOutput;
  return Promise.all(
    modules.map(async (module) => {
      const info = parsed.modules[module]!;
      const stamps = await Promise.all(
        [python, ...info.paths].map(async (path) => ({ path, mtimeMs: (await mtimeOf(path)) ?? -1 })),
      );
      return {
        module,
        found: info.found,
        version: info.version,
        distribution: info.distribution,
        stdlib: info.stdlib,
        pythonExecutable: parsed.executable,
        pythonVersion: parsed.version,
        stamps,
      };
    }),
  );
}

/** Remembers identities on disk so a warm lookup costs a few stat() calls instead of starting Python. */
export class LibraryIdentityStore {
  readonly #memory = new Map<string, LibraryIdentity>();
  /** How many times this store ran the Python probe (tests and diagnostics). */
  probes = 0;

  constructor(readonly dir: string) {}

  #file(python: string, module: string): string {
    const digest = createHash("sha256").update(`${python}\0${module}`).digest("hex").slice(0, 16);
    return join(this.dir, `${module}-${digest}.json`);
  }

  async #fresh(identity: LibraryIdentity): Promise<boolean> {
    const times = await Promise.all(identity.stamps.map((s) => mtimeOf(s.path)));
    return times.every((t, i) => t === identity.stamps[i]!.mtimeMs);
  }

  /** The identity of `module` under `python`: remembered when its stamps still match, else probed. */
  async resolve(python: string, module: string, options: { refresh?: boolean } = {}): Promise<LibraryIdentity> {
    const key = `${python}\0${module}`;
    if (!options.refresh) {
      const remembered = this.#memory.get(key) ?? (await this.#read(python, module));
      if (remembered && remembered.found && (await this.#fresh(remembered))) {
        this.#memory.set(key, remembered);
        return remembered;
      }
    }
    this.probes++;
    const [identity] = await probeLibraries(python, [module]);
    // A missing package is not remembered: the next lookup should see it once installed.
    if (identity!.found) {
      this.#memory.set(key, identity!);
      await this.#write(python, module, identity!);
    }
    return identity!;
  }

  async #read(python: string, module: string): Promise<LibraryIdentity | undefined> {
    try {
      return JSON.parse(await readFile(this.#file(python, module), "utf8")) as LibraryIdentity;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === "ENOENT" || error instanceof SyntaxError) return undefined;
      throw error;
    }
  }

  async #write(python: string, module: string, identity: LibraryIdentity): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const file = this.#file(python, module);
    const temporary = `${file}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify(identity, null, 2));
    await rename(temporary, file);
  }
}

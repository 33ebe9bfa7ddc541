// `snakebridge describe <module> [--depth N] [--json] [--coverage] [--private] [--refresh] [--python PATH]`
import { LibraryDescriptor } from "../../../proto/generated/snakebridge/v1/describe.js";
import { formatCoverage, libraryCoverage } from "../../integration/coverage.js";
import { formatTypedCoverage, libraryTypedCoverage } from "../../integration/typed-coverage.js";
import { formatLibraryTree } from "../../integration/describe-format.js";
import { LibraryDescriber } from "../../integration/library-describer.js";
import { intFlag, parseArgs, stringFlag } from "../args.js";
import { UsageError, type CliCommand, type CliIO } from "../command.js";

/**
 * Shows elapsed time on stderr while `label` runs: a spinner on a terminal, start and end lines otherwise.
 * (Describe is one RPC: the worker's per-module progress is not streamed, so elapsed time is all there is to show.)
 */
export function startProgress(io: CliIO, label: string): { done(result: string): void } {
  const started = performance.now();
  const seconds = (): string => `${((performance.now() - started) / 1000).toFixed(1)} s`;
  if (!io.interactive) {
    io.stderr.write(`${label}…\n`);
    return { done: (result) => io.stderr.write(`${label}: ${result} (${seconds()})\n`) };
  }
  const frames = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏";
  let frame = 0;
  const timer = setInterval(() => {
    io.stderr.write(`\r${frames[frame++ % frames.length]} ${label}… ${seconds()}`);
  }, 100);
  return {
    done(result) {
      clearInterval(timer);
      io.stderr.write(`\r\x1b[K${label}: ${result} (${seconds()})\n`);
    },
  };
}

export const describeCommand: CliCommand = {
  name: "describe",
  summary: "Introspect a Python library: modules, classes, functions and signatures",
  usage: `Usage: snakebridge describe <module> [--depth N] [--json] [--coverage] [--private] [--refresh] [--python PATH]

Describes a Python module and its public submodules. Results are cached per library version and
interpreter, so describing it again is instant and starts no Python.

  --depth N       levels of submodules to walk (default 1; 0 = only the module)
  --json          print the LibraryDescriptor as one JSON document
  --coverage      print how many public callables got a full signature, by source, and the typed
                  coverage: the share of parameters and returns typed (with --json: as JSON, "typed")
  --private       include _private names
  --refresh       ignore the cache and describe again
  --timeout MS    deadline for the introspection (default 300000)
  --python PATH   interpreter to describe with

Examples:
  snakebridge describe json --depth 0
  snakebridge describe numpy --coverage`,
  async run(args, io) {
    const parsed = parseArgs(args, {
      depth: "string",
      json: "boolean",
      coverage: "boolean",
      private: "boolean",
      refresh: "boolean",
      timeout: "string",
      python: "string",
    });
    const [module, ...extra] = parsed.positionals;
    if (!module) throw new UsageError("missing the module to describe, e.g. numpy");
    if (extra.length) throw new UsageError(`describe takes one module, got also: ${extra.join(" ")}`);
    if (!/^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)*$/.test(module))
      throw new UsageError(`"${module}" is not a Python module name`);
    const depth = intFlag(parsed, "depth", 1, 0);
    const timeoutMs = intFlag(parsed, "timeout", 300_000, 1);
    const python = stringFlag(parsed, "python");
    const json = parsed.flags.has("json");

    const describer = new LibraryDescriber(python ? { python } : {});
    const progress = startProgress(io, `describing ${module} (depth ${depth})`);
    try {
      const outcome = await describer.describe(module, {
        depth,
        includePrivate: parsed.flags.has("private"),
        refresh: parsed.flags.has("refresh"),
        timeoutMs,
      });
      progress.done(
        outcome.fromCache
          ? "from cache"
          : `introspected in ${(outcome.descriptor.elapsedMs / 1000).toFixed(1)} s in the worker`,
      );
      const library = outcome.descriptor;
      if (parsed.flags.has("coverage")) {
        const report = libraryCoverage(library);
        const typed = libraryTypedCoverage(library);
        if (json) io.stdout.write(JSON.stringify({ ...report, typed }) + "\n");
        else {
          io.stdout.write(`${library.name}: ${formatCoverage(report)}\n`);
          io.stdout.write(`${library.name}: ${formatTypedCoverage(typed)}\n`);
          if (report.unrecovered.length) {
            const shown = report.unrecovered.slice(0, 20);
            io.stdout.write(
              `no signature: ${shown.join(", ")}${report.unrecovered.length > shown.length ? `, … (${report.unrecovered.length - shown.length} more)` : ""}\n`,
            );
          }
        }
      } else if (json) {
        io.stdout.write(JSON.stringify(LibraryDescriptor.toJSON(library)) + "\n");
      } else {
        io.stdout.write(formatLibraryTree(library) + "\n");
      }
      return 0;
    } catch (error) {
      progress.done("failed");
      throw error;
    } finally {
      await describer.dispose();
    }
  },
};

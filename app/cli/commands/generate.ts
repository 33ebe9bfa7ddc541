// `snakebridge generate <manifest> [--out DIR] [--runtime-import SPEC] [--refresh] [--json] [--python PATH]`
import { relative } from "node:path";
import { emitSdk, sdkLayout, writeSdk } from "../../integration/codegen/generate-sdk.js";
import { formatCoverage, manifestCoverage } from "../../integration/coverage.js";
import { formatTypedCoverage, manifestTypedCoverage } from "../../integration/typed-coverage.js";
import { LibraryDescriber } from "../../integration/library-describer.js";
import { loadManifest } from "../../integration/manifest/load-manifest.js";
import { resolveManifest } from "../../integration/manifest/resolve-manifest.js";
import { parseArgs, stringFlag } from "../args.js";
import { UsageError, type CliCommand } from "../command.js";
import { startProgress } from "./describe.js";
import { sdkLockOf, writeSdkLock } from "../../integration/fabric/sdk-lock.js";

export const generateCommand: CliCommand = {
  name: "generate",
  summary: "Generate a typed TypeScript SDK from an integration manifest",
  usage: `Usage: snakebridge generate <manifest.yaml|json> [--out DIR] [--runtime-import SPEC] [--refresh] [--json] [--python PATH]

Validates the manifest, describes each library (cached), checks every entrypoint exists and
writes one TypeScript module per Python module plus index.ts. Ends with a signature coverage report
and, per library, the typed coverage: the share of parameters and returns typed as something other
than unknown (or a type derived from Any).

  --out DIR               output folder (default: codegen.out_dir in the manifest)
  --runtime-import SPEC   import specifier for the runtime (default: codegen.runtime_import,
                          else "snakebridge-workbench/runtime")
  --refresh               describe the libraries again instead of using the cache
  --json                  print {"outDir", "files", "coverage", "typedCoverage", "describes"} as JSON
  --python PATH           interpreter to describe with`,
  async run(args, io) {
    const parsed = parseArgs(args, {
      out: "string",
      "runtime-import": "string",
      refresh: "boolean",
      json: "boolean",
      python: "string",
    });
    const [file, ...extra] = parsed.positionals;
    if (!file) throw new UsageError("missing the manifest file, e.g. examples/manifests/stdlib.yaml");
    if (extra.length) throw new UsageError(`generate takes one manifest, got also: ${extra.join(" ")}`);
    const python = stringFlag(parsed, "python");
    const out = stringFlag(parsed, "out");
    const runtimeImport = stringFlag(parsed, "runtime-import");

    const loaded = await loadManifest(file);
    const describer = new LibraryDescriber(python ? { python } : {});
    try {
      let progress: { done(result: string): void } | undefined;
      const resolved = await resolveManifest(loaded, describer, {
        refresh: parsed.flags.has("refresh"),
        onDescribe: ({ module, phase, outcome }) => {
          if (phase === "start") progress = startProgress(io, `describing ${module}`);
          else progress?.done(outcome?.fromCache ? "from cache" : "introspected");
        },
      });
      const layout = sdkLayout(loaded, {
        ...(out === undefined ? {} : { outDir: out }),
        ...(runtimeImport === undefined ? {} : { runtimeImport }),
      });
      const files = emitSdk(loaded, resolved.integrations, layout);
      const written = await writeSdk(layout.outDir, files);
      // The descriptor hash of every library, so a program can check for drift at start (checkSdkDrift).
      written.push(await writeSdkLock(layout.outDir, sdkLockOf(loaded.file, resolved.integrations)));
      const coverage = manifestCoverage(resolved.integrations);
      const typed = manifestTypedCoverage(resolved.integrations);
      if (parsed.flags.has("json")) {
        io.stdout.write(
          JSON.stringify({
            outDir: layout.outDir,
            files: written,
            coverage,
            typedCoverage: Object.fromEntries(typed),
            describes: resolved.describes.map((d) => ({
              module: d.identity.module,
              fromCache: d.fromCache,
              elapsedMs: Math.round(d.elapsedMs),
            })),
          }) + "\n",
        );
        return 0;
      }
      for (const path of written) io.stdout.write(`wrote ${relative(process.cwd(), path) || path}\n`);
      io.stdout.write(`signature coverage: ${formatCoverage(coverage)}\n`);
      for (const [library, report] of typed)
        io.stdout.write(`typed coverage, ${library}: ${formatTypedCoverage(report)}\n`);
      if (coverage.unrecovered.length)
        io.stdout.write(`called as (*args, **kwargs): ${coverage.unrecovered.join(", ")}\n`);
      return 0;
    } finally {
      await describer.dispose();
    }
  },
};

// `snakebridge diff <manifest>`: cached descriptors against fresh introspection; exit 0 when equal, 1 when changed.
import { isEmptyDiff } from "../../integration/descriptor-diff.js";
import { LibraryDescriber } from "../../integration/library-describer.js";
import { loadManifest } from "../../integration/manifest/load-manifest.js";
import { diffManifest } from "../../integration/manifest-diff.js";
import { parseArgs, stringFlag } from "../args.js";
import { UsageError, type CliCommand } from "../command.js";
import { startProgress } from "./describe.js";

export const diffCommand: CliCommand = {
  name: "diff",
  summary: "Compare cached library descriptors with a fresh introspection",
  usage: `Usage: snakebridge diff <manifest.yaml|json> [--json] [--python PATH]

For each library in the manifest, compares the newest descriptor cached for this manifest (from an
earlier generate with it, whatever version the library was; a plain describe is cached apart, as its
key has no manifest) with a fresh introspection, and lists added, removed and changed signatures.
Exit code 0 when nothing changed, 1 when something did or nothing is cached yet (run generate first).

  --json          print [{"module", "cachedVersion", "currentVersion", "cachedAt", "diff"}]
  --python PATH   interpreter to introspect with`,
  async run(args, io) {
    const parsed = parseArgs(args, { json: "boolean", python: "string" });
    const [file, ...extra] = parsed.positionals;
    if (!file) throw new UsageError("missing the manifest file");
    if (extra.length) throw new UsageError(`diff takes one manifest, got also: ${extra.join(" ")}`);
    const python = stringFlag(parsed, "python");
    const loaded = await loadManifest(file);
    const describer = new LibraryDescriber(python ? { python } : {});
    try {
      const progress = startProgress(
        io,
        `introspecting ${loaded.spec.integrations.length} librar${loaded.spec.integrations.length === 1 ? "y" : "ies"}`,
      );
      const results = await diffManifest(loaded, describer).catch((error: unknown) => {
        progress.done("failed");
        throw error;
      });
      progress.done("done");
      const changed = results.some((r) => !isEmptyDiff(r.diff));
      if (parsed.flags.has("json")) {
        io.stdout.write(JSON.stringify(results) + "\n");
        return changed ? 1 : 0;
      }
      for (const r of results) {
        const versions =
          r.cachedAt === undefined
            ? "nothing cached yet (every callable counts as added; run `snakebridge generate` to cache it)"
            : r.cachedVersion === r.currentVersion
              ? `version ${r.currentVersion || "stdlib"}`
              : `${r.cachedVersion || "?"} → ${r.currentVersion}`;
        const { added, removed, changed: modified } = r.diff;
        io.stdout.write(
          `${r.module}: ${versions}: ${added.length} added, ${removed.length} removed, ${modified.length} changed\n`,
        );
        for (const a of added) io.stdout.write(`  + ${a.path}${a.signature}\n`);
        for (const x of removed) io.stdout.write(`  - ${x.path}${x.signature}\n`);
        for (const c of modified) io.stdout.write(`  ~ ${c.path}${c.before}\n    → ${c.path}${c.after}\n`);
      }
      return changed ? 1 : 0;
    } finally {
      await describer.dispose();
    }
  },
};

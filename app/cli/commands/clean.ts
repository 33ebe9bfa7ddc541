// `snakebridge clean`: empties the descriptor cache and says what it removed.
import { DescriptorCache } from "../../integration/descriptor-cache.js";
import { parseArgs } from "../args.js";
import { UsageError, type CliCommand } from "../command.js";

export const cleanCommand: CliCommand = {
  name: "clean",
  summary: "Empty the descriptor cache",
  usage: `Usage: snakebridge clean [--json]

Removes every cached library descriptor (and remembered library versions) from
$SNAKEBRIDGE_CACHE_DIR or ~/.snakebridge/cache/descriptors. The next describe introspects again.

  --json   print {"dir": ..., "removed": [...paths]}`,
  async run(args, io) {
    const parsed = parseArgs(args, { json: "boolean" });
    if (parsed.positionals.length)
      throw new UsageError(`clean takes no arguments, got: ${parsed.positionals.join(" ")}`);
    const cache = new DescriptorCache();
    const entries = await cache.entries();
    const removed = await cache.clear();
    if (parsed.flags.has("json")) {
      io.stdout.write(JSON.stringify({ dir: cache.dir, removed }) + "\n");
      return 0;
    }
    if (removed.length === 0) {
      io.stdout.write(`The descriptor cache (${cache.dir}) was already empty.\n`);
      return 0;
    }
    for (const entry of entries) {
      const version = `${entry.key.libraryVersion || "no distribution version"}, Python ${entry.key.pythonVersion}`;
      io.stdout.write(`removed ${entry.key.module} (${version}, depth ${entry.key.depth}): ${entry.file}\n`);
    }
    const others = removed.filter((path) => !entries.some((e) => e.file === path));
    for (const path of others) io.stdout.write(`removed ${path}\n`);
    io.stdout.write(`${removed.length} item(s) removed from ${cache.dir}\n`);
    return 0;
  },
};

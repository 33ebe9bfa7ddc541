// The descriptor cache's listing reads each file's head only, and still lists a file in another layout.
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { LibraryDescriptor } from "../../proto/generated/snakebridge/v1/describe.js";
import { DescriptorCache, digestKey, type DescriptorKey } from "./descriptor-cache.js";

const root = mkdtempSync(join(tmpdir(), "sb-descriptor-cache-"));
afterAll(() => rmSync(root, { recursive: true, force: true }));

function key(module: string, libraryVersion = "1.0"): DescriptorKey {
  return {
    module,
    depth: 1,
    includePrivate: false,
    libraryVersion,
    pythonExecutable: "/usr/bin/python3",
    pythonVersion: "3.11.7",
    manifestHash: "",
  };
}

/** A descriptor whose JSON runs to megabytes, like numpy's. */
function bigDescriptor(name: string): LibraryDescriptor {
  const functions = Array.from({ length: 20_000 }, (_, i) => ({ name: `f${i}`, doc: "x".repeat(100) }));
  return LibraryDescriptor.fromJSON({ name, version: "1.0", functions });
}

describe("DescriptorCache.summaries", () => {
  it("lists each entry's key and time from the head of its file, without its descriptor", async () => {
    const cache = new DescriptorCache(join(root, "list"));
    await cache.put(key("numpy", "2.1"), bigDescriptor("numpy"));
    await cache.put(key("json", ""), LibraryDescriptor.fromJSON({ name: "json" }));
    const summaries = await cache.summaries();
    expect(summaries.map((s) => [s.key.module, s.key.libraryVersion]).sort()).toEqual([
      ["json", ""],
      ["numpy", "2.1"],
    ]);
    for (const summary of summaries) {
      expect(summary.storedAt).toBeGreaterThan(0);
      expect(summary).not.toHaveProperty("descriptor");
    }
  });

  it("reads a file in another layout whole, and says when one is damaged", async () => {
    const dir = join(root, "layouts");
    const cache = new DescriptorCache(dir);
    await cache.put(key("os"), LibraryDescriptor.fromJSON({ name: "os" }));
    const reordered = key("re");
    // The same entry with its fields in another order: no key before the descriptor.
    writeFileSync(
      join(dir, `re-${digestKey(reordered)}.json`),
      JSON.stringify({ descriptor: { name: "re" }, storedAt: 5, key: reordered, format: 1 }),
    );
    expect((await cache.summaries()).map((s) => s.key.module).sort()).toEqual(["os", "re"]);
    writeFileSync(join(dir, `zz-${"0".repeat(24)}.json`), "{ not json");
    await expect(cache.summaries()).rejects.toThrow(/is damaged .*snakebridge clean/);
  });
});

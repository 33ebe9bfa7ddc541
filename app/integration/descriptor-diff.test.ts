// diff compares what matters: two introspections of the same code in two worker processes are equal,
// although default reprs carry per-process memory addresses; a real change is still reported.
import { describe, expect, it } from "vitest";
import { PythonBridge } from "../bridge/index.js";
import { LibraryDescriptor } from "../../proto/generated/snakebridge/v1/describe.js";
import { diffDescriptors, isEmptyDiff, normalizeRepr } from "./descriptor-diff.js";

/** A one-function library whose parameter `junk` defaults to `defaultRepr`. */
function library(defaultRepr: string): LibraryDescriptor {
  return LibraryDescriptor.fromPartial({
    name: "m",
    modules: [
      {
        name: "m",
        functions: [
          {
            name: "f",
            path: "m.f",
            signatures: [
              { text: `(junk=${defaultRepr})`, parameters: [{ name: "junk", kind: 2, hasDefault: true, defaultRepr }] },
            ],
          },
        ],
      },
    ],
  });
}

describe("normalizeRepr", () => {
  it.each([
    ["<function IS_CHARACTER_JUNK at 0x7f14fe07d9e0>", "<function IS_CHARACTER_JUNK>"],
    ["<object object at 0x7f0000000010>", "<object object>"],
    ["<bound method A.f of <m.A object at 0x10a2b3c4d>>", "<bound method A.f of <m.A object>>"],
    ["Handle(id=140234567890123)", "Handle(id=…)"],
    ["0x00007f14fe07d9e0", "0x…"],
    ["0xff", "0xff"],
    ["'at 0x'", "'at 0x'"],
  ])("%s → %s", (repr, expected) => {
    expect(normalizeRepr(repr)).toBe(expected);
  });
});

describe("diffDescriptors", () => {
  it("ignores addresses but reports a changed default", () => {
    expect(isEmptyDiff(diffDescriptors(library("<function g at 0x7f01>"), library("<function g at 0x7f99>")))).toBe(
      true,
    );
    const changed = diffDescriptors(library("<function g at 0x7f01>"), library("<function h at 0x7f01>"));
    expect(changed.changed).toEqual([{ path: "m.f", before: "(junk=<function g>)", after: "(junk=<function h>)" }]);
  });

  it("difflib described by two worker processes is unchanged", async () => {
    const describeOnce = async (): Promise<LibraryDescriptor> => {
      const bridge = await PythonBridge.start({ poolSize: 1 });
      try {
        return await bridge.describe("difflib", { depth: 0 });
      } finally {
        await bridge.dispose();
      }
    };
    const first = await describeOnce();
    const second = await describeOnce();
    const reprs = (d: LibraryDescriptor): string[] =>
      d.modules.flatMap((m) =>
        m.functions.flatMap((f) => f.signatures.flatMap((s) => s.parameters.map((p) => p.defaultRepr))),
      );
    // The premise: raw reprs carry addresses that differ between the two processes.
    expect(reprs(first).filter((r) => / at 0x/.test(r)).length).toBeGreaterThan(0);
    expect(diffDescriptors(first, second)).toEqual({ added: [], removed: [], changed: [] });
  }, 60_000);
});

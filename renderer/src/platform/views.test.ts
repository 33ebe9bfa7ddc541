import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";

// The shell store reads the address's hash when it is created and writes it on every switch.
const replaced: string[] = [];
beforeAll(() => {
  vi.stubGlobal("window", {
    location: { hash: "#training", pathname: "/app", search: "?x=1" },
    history: { replaceState: (_state: unknown, _title: string, url: string) => replaced.push(url) },
  });
});
afterAll(() => vi.unstubAllGlobals());

describe("shell (views) store", () => {
  it("opens the view the address names, keeps visited views mounted and records the view in the address", async () => {
    const { isActiveView, useShellStore } = await import("./views");
    expect(useShellStore.getState().active).toBe("training");
    expect(isActiveView("training")).toBe(true);

    useShellStore.getState().show("notebook");
    useShellStore.getState().show("training");
    expect(useShellStore.getState().visited).toEqual(["training", "notebook"]);
    expect(isActiveView("notebook")).toBe(false);
    expect(replaced).toEqual(["/app?x=1#notebook", "/app?x=1#training"]);

    useShellStore.getState().setPaletteOpen(true);
    expect(useShellStore.getState().paletteOpen).toBe(true);
  });
});

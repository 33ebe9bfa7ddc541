import { beforeEach, describe, expect, it } from "vitest";
import type { LibraryView, ModuleView } from "../../api";
import { testClient } from "../../client/test-channel";
import { installWorkbenchClient } from "../../client/workbench-client";
import { useLibrariesStore } from "./store";

const module = (name: string): ModuleView => ({
  name,
  doc: "",
  functions: [],
  classes: [],
  constants: [],
  submodules: [],
  docBlocks: [],
});
const library = (name: string, modules: string[]): LibraryView => ({
  name,
  version: "1.0",
  pythonVersion: "3.11",
  pythonExecutable: "python",
  modules: modules.map(module),
  warnings: [],
  elapsedMs: 1,
  fromCache: false,
});
const initial = useLibrariesStore.getState();

describe("libraries store", () => {
  beforeEach(() => useLibrariesStore.setState(initial, true));

  it("asks for a module name instead of describing nothing", async () => {
    const { client, channel } = testClient();
    installWorkbenchClient(client);
    useLibrariesStore.getState().setModuleName("   ");
    await useLibrariesStore.getState().describe();
    expect(useLibrariesStore.getState().error).toMatch(/^Type a module name/);
    expect(channel.requests).toEqual([]);
  });

  it("describes a library with the chosen depth, opens its top module and lists the cache", async () => {
    const { client, channel } = testClient({
      "libraries.describe": ({ module }) => library(module, [module, `${module}.linalg`]),
      "libraries.cached": () => [{ name: "numpy", version: "1.0", describedAt: 1 }],
    });
    installWorkbenchClient(client);
    const store = useLibrariesStore.getState();
    store.setDepth(2);
    store.setIncludePrivate(true);
    store.setFilter("stale filter");
    await store.describe({ module: " numpy " });
    await new Promise((resolve) => setTimeout(resolve, 0));

    const state = useLibrariesStore.getState();
    expect(channel.requests[0]).toEqual({
      method: "libraries.describe",
      params: { module: "numpy", depth: 2, includePrivate: true, refresh: false },
    });
    expect(state.moduleName).toBe("numpy");
    expect(state.describing).toBe(false);
    expect(state.tree.map((node) => node.id)).toEqual(["numpy", "numpy.linalg"]);
    expect(state.selectedId).toBe("numpy");
    expect(state.expanded).toEqual({ numpy: true });
    expect(state.filter).toBe("");
    expect(state.cached.map((entry) => entry.name)).toEqual(["numpy"]);
  });

  it("says which module failed, and toggles and selects tree nodes", async () => {
    installWorkbenchClient(testClient({}).client);
    await useLibrariesStore.getState().describe({ module: "nope" });
    expect(useLibrariesStore.getState().error).toBe(
      'Could not describe "nope": the test host does not answer libraries.describe',
    );
    expect(useLibrariesStore.getState().describing).toBe(false);

    useLibrariesStore.getState().toggle("a");
    useLibrariesStore.getState().toggle("b");
    useLibrariesStore.getState().toggle("a");
    useLibrariesStore.getState().select("b");
    expect(useLibrariesStore.getState().expanded).toEqual({ a: false, b: true });
    expect(useLibrariesStore.getState().selectedId).toBe("b");
  });

  it("a second describe cancels the first, whose answer is then dropped", async () => {
    // The first answer comes last: without the cancel it would replace the second.
    const { client, channel } = testClient({
      "libraries.describe": ({ module }) =>
        new Promise<LibraryView>((resolve) =>
          setTimeout(() => resolve(library(module, [module])), module === "first" ? 20 : 0),
        ),
      "libraries.cached": () => [],
    });
    installWorkbenchClient(client);
    const first = useLibrariesStore.getState().describe({ module: "first" });
    const second = useLibrariesStore.getState().describe({ module: "second" });
    await Promise.all([first, second]);
    const state = useLibrariesStore.getState();
    expect(channel.methods().filter((method) => method === "libraries.describe")).toHaveLength(2);
    expect(state.library?.name).toBe("second");
    expect(state.error).toBeNull();
    expect(state.describing).toBe(false);
  });
});

import { create } from "zustand";
import type { CachedLibraryView, LibraryView } from "../../api";
import { errorMessage, isCancellation, workbench } from "../../client/workbench-client";
import { buildTree } from "./library-tree";
import type { TreeNode } from "./library-tree";

interface LibrariesState {
  moduleName: string;
  depth: number;
  includePrivate: boolean;
  describing: boolean;
  library: LibraryView | null;
  tree: TreeNode[];
  error: string | null;
  cached: CachedLibraryView[];
  filter: string;
  selectedId: string | null;
  expanded: Record<string, boolean>;
  setModuleName(name: string): void;
  setDepth(depth: number): void;
  setIncludePrivate(value: boolean): void;
  setFilter(filter: string): void;
  select(id: string): void;
  toggle(id: string): void;
  describe(options?: { refresh?: boolean; module?: string }): Promise<void>;
  cancelDescribe(): void;
  loadCached(): Promise<void>;
}

let running: AbortController | null = null;

export const useLibrariesStore = create<LibrariesState>((set, get) => ({
  moduleName: "",
  depth: 1,
  includePrivate: false,
  describing: false,
  library: null,
  tree: [],
  error: null,
  cached: [],
  filter: "",
  selectedId: null,
  expanded: {},
  setModuleName: (moduleName) => set({ moduleName }),
  setDepth: (depth) => set({ depth }),
  setIncludePrivate: (includePrivate) => set({ includePrivate }),
  setFilter: (filter) => set({ filter }),
  select: (selectedId) => set({ selectedId }),
  toggle: (id) => set((state) => ({ expanded: { ...state.expanded, [id]: !state.expanded[id] } })),

  async describe(options = {}) {
    const module = (options.module ?? get().moduleName).trim();
    if (!module) {
      set({ error: "Type a module name to describe, e.g. numpy or collections." });
      return;
    }
    running?.abort();
    const controller = new AbortController();
    running = controller;
    set({ describing: true, error: null, moduleName: module });
    try {
      const library = await workbench().call(
        "libraries.describe",
        { module, depth: get().depth, includePrivate: get().includePrivate, refresh: options.refresh ?? false },
        controller.signal,
      );
      const tree = buildTree(library);
      // Open the top module so a first look shows its members rather than one collapsed line.
      set({
        library,
        tree,
        selectedId: library.modules[0]?.name ?? null,
        expanded: Object.fromEntries(tree.slice(0, 1).map((node) => [node.id, true])),
        filter: "",
      });
      void get().loadCached();
    } catch (error) {
      if (!isCancellation(error)) set({ error: `Could not describe "${module}": ${errorMessage(error)}` });
    } finally {
      if (running === controller) {
        running = null;
        set({ describing: false });
      }
    }
  },

  cancelDescribe() {
    running?.abort();
  },

  async loadCached() {
    try {
      set({ cached: await workbench().call("libraries.cached", {}) });
    } catch (error) {
      set({ error: `Could not list the described libraries: ${errorMessage(error)}` });
    }
  },
}));

// The workbench's views, in activity-bar order (Ctrl+1..6 follow this order).
import { create } from "zustand";

export const VIEW_IDS = ["libraries", "manifests", "notebook", "workers", "console", "training"] as const;
export type ViewId = (typeof VIEW_IDS)[number];

export const VIEW_TITLES: Record<ViewId, string> = {
  libraries: "Libraries",
  manifests: "Manifests",
  notebook: "Notebook",
  workers: "Workers",
  console: "Console",
  training: "Training",
};

interface ShellState {
  active: ViewId;
  /** Views mounted so far: they stay mounted (hidden) so editors and terminals keep their state. */
  visited: ViewId[];
  paletteOpen: boolean;
  show(view: ViewId): void;
  setPaletteOpen(open: boolean): void;
}

function initialView(): ViewId {
  const fromHash = window.location.hash.replace(/^#/, "");
  return (VIEW_IDS as readonly string[]).includes(fromHash) ? (fromHash as ViewId) : "libraries";
}

export const useShellStore = create<ShellState>((set) => ({
  active: initialView(),
  visited: [initialView()],
  paletteOpen: false,
  show(view) {
    // The hash keeps the view across reloads and lets tests open a view directly.
    window.history.replaceState(null, "", `${window.location.pathname}${window.location.search}#${view}`);
    set((state) => ({
      active: view,
      visited: state.visited.includes(view) ? state.visited : [...state.visited, view],
    }));
  },
  setPaletteOpen(open) {
    set({ paletteOpen: open });
  },
}));

export function isActiveView(view: ViewId): boolean {
  return useShellStore.getState().active === view;
}

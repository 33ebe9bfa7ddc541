import { useEffect, useMemo } from "react";
import type { ReactElement } from "react";
import { workbench } from "../client/workbench-client";
import { disposeMonacoProviders } from "../components/monaco-providers";
import { ConsoleView } from "../features/console/ConsoleView";
import { LibrariesView } from "../features/libraries/LibrariesView";
import { ManifestsView } from "../features/manifests/ManifestsView";
import { useManifestsStore } from "../features/manifests/store";
import { NotebookView } from "../features/notebook/NotebookView";
import { TrainingView } from "../features/training/TrainingView";
import { WorkersView } from "../features/workers/WorkersView";
import { runKeybinding } from "../platform/commands";
import { useHostStore } from "../platform/host-store";
import { useCommands } from "../platform/use-commands";
import { VIEW_IDS, VIEW_TITLES, useShellStore } from "../platform/views";
import type { ViewId } from "../platform/views";
import { WorkbenchActionsContext, type WorkbenchActions } from "../platform/workbench-actions";
import { ActivityBar } from "./ActivityBar";
import { CommandPalette } from "./CommandPalette";
import { connectStores } from "./connect-stores";
import { StatusBar } from "./StatusBar";

const VIEWS: Record<ViewId, () => ReactElement> = {
  libraries: LibrariesView,
  manifests: ManifestsView,
  notebook: NotebookView,
  workers: WorkersView,
  console: ConsoleView,
  training: TrainingView,
};

export function App(): ReactElement {
  const active = useShellStore((state) => state.active);
  const visited = useShellStore((state) => state.visited);
  const problem = useHostStore((state) => state.startupProblem);

  useEffect(() => {
    const connections = connectStores(workbench());
    return () => {
      connections.dispose();
      // The views register Monaco's providers as they mount; a torn-down workbench leaves none behind.
      disposeMonacoProviders();
    };
  }, []);

  // What features ask of each other; only the workbench knows both sides.
  const actions = useMemo<WorkbenchActions>(
    () => ({
      async addToManifest(entry) {
        await useManifestsStore.getState().addToManifest(entry);
        useShellStore.getState().show("manifests");
      },
    }),
    [],
  );

  useCommands(() => [
    ...VIEW_IDS.map((view, index) => ({
      id: `view.${view}`,
      title: `View: Show ${VIEW_TITLES[view]}`,
      keybinding: `Ctrl+${index + 1}`,
      run: () => useShellStore.getState().show(view),
    })),
    {
      id: "palette.open",
      title: "Show All Commands",
      keybinding: "Ctrl+Shift+P",
      run: () => useShellStore.getState().setPaletteOpen(true),
    },
  ]);

  useEffect(() => {
    // Capture phase: the shell's shortcuts win over Monaco's and xterm's defaults (e.g. Ctrl+Enter
    // would otherwise insert a line in a cell editor instead of running the cell).
    const onKeyDown = (event: KeyboardEvent): void => {
      if (event.key === "F1") {
        useShellStore.getState().setPaletteOpen(true);
        event.preventDefault();
        return;
      }
      if (!event.ctrlKey && !event.metaKey && !event.shiftKey) return;
      if (runKeybinding(event)) {
        event.preventDefault();
        event.stopPropagation();
      }
    };
    window.addEventListener("keydown", onKeyDown, true);
    return () => window.removeEventListener("keydown", onKeyDown, true);
  }, []);

  return (
    <WorkbenchActionsContext.Provider value={actions}>
      <div className="workbench">
        <ActivityBar />
        <main className="view-host">
          {problem ? (
            <div
              className="banner error"
              role="alert"
              style={{ position: "absolute", top: 0, left: 0, right: 0, zIndex: 10 }}
            >
              <span className="grow">{problem}</span>
            </div>
          ) : null}
          {visited.map((view) => {
            const View = VIEWS[view];
            return (
              <section
                key={view}
                className="view-slot"
                hidden={view !== active}
                data-testid={`view-${view}`}
                aria-label={VIEW_TITLES[view]}
              >
                <View />
              </section>
            );
          })}
        </main>
        <StatusBar />
        <CommandPalette />
      </div>
    </WorkbenchActionsContext.Provider>
  );
}

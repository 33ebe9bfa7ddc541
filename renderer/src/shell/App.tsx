import { useEffect } from "react";
import type { ReactElement } from "react";
import { ConsoleView } from "../features/console/ConsoleView";
import { LibrariesView } from "../features/libraries/LibrariesView";
import { ManifestsView } from "../features/manifests/ManifestsView";
import { NotebookView } from "../features/notebook/NotebookView";
import { TrainingView } from "../features/training/TrainingView";
import { WorkersView } from "../features/workers/WorkersView";
import { ActivityBar } from "./ActivityBar";
import { CommandPalette } from "./CommandPalette";
import { runKeybinding } from "./commands";
import { useHostStore } from "./host-store";
import { StatusBar } from "./StatusBar";
import { useCommands } from "./use-commands";
import { VIEW_IDS, VIEW_TITLES, useShellStore } from "./views";
import type { ViewId } from "./views";

const VIEWS: Record<ViewId, () => ReactElement> = {
  libraries: LibrariesView,
  manifests: ManifestsView,
  notebook: NotebookView,
  workers: WorkersView,
  console: ConsoleView,
  training: TrainingView,
};

export function App({ startupProblem }: { startupProblem: string | null }): ReactElement {
  const active = useShellStore((state) => state.active);
  const visited = useShellStore((state) => state.visited);
  const problem = useHostStore((state) => state.startupProblem);

  useEffect(() => useHostStore.getState().start(startupProblem), [startupProblem]);

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
  );
}

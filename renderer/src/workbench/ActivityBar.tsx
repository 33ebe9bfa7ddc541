import type { ReactElement } from "react";
import { Icon } from "../platform/icons";
import { VIEW_IDS, VIEW_TITLES, useShellStore } from "../platform/views";

export function ActivityBar(): ReactElement {
  const active = useShellStore((state) => state.active);
  const show = useShellStore((state) => state.show);
  return (
    <nav className="activity-bar" aria-label="Views">
      {VIEW_IDS.map((view, index) => (
        <button
          key={view}
          type="button"
          className={`activity-item${view === active ? " active" : ""}`}
          title={`${VIEW_TITLES[view]} (Ctrl+${index + 1})`}
          aria-label={VIEW_TITLES[view]}
          aria-pressed={view === active}
          data-view={view}
          onClick={() => show(view)}
        >
          <Icon name={view} />
        </button>
      ))}
      <div className="activity-spacer" />
    </nav>
  );
}

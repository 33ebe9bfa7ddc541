// The side panel that lists one kind of workspace file (manifests, notebooks) with New and Refresh.
import type { ReactElement } from "react";
import type { WorkspaceFile } from "../api";
import { Icon } from "../platform/icons";
import type { IconName } from "../platform/icons";

export interface WorkspaceFilePanelProps {
  /** Panel title, e.g. "Notebooks"; also names the New button ("New notebook"). */
  title: string;
  /** Singular noun for buttons and messages, e.g. "notebook". */
  noun: string;
  /** Where a new file goes, shown in the name field, e.g. "notebooks/NAME.ipynb". */
  newFilePattern: string;
  icon: IconName;
  files: readonly WorkspaceFile[];
  selectedPath: string | null;
  testId: string;
  /** The name being typed for a new file, or null when not creating one (the view owns it, so its empty state can start one). */
  newName: string | null;
  onNewNameChange(name: string | null): void;
  onOpen(path: string): void;
  onCreate(name: string): void;
  onRefresh(): void;
}

export function WorkspaceFilePanel(props: WorkspaceFilePanelProps): ReactElement {
  const { newName, onNewNameChange: setNewName } = props;
  return (
    <aside className="side-panel">
      <div className="panel-title">
        {props.title}
        <span className="grow" />
        <button
          type="button"
          className="icon-btn"
          title={`New ${props.noun}`}
          aria-label={`New ${props.noun}`}
          onClick={() => setNewName("")}
        >
          <Icon name="plus" />
        </button>
        <button
          type="button"
          className="icon-btn"
          title="Refresh the file list"
          aria-label="Refresh"
          onClick={props.onRefresh}
        >
          <Icon name="refresh" />
        </button>
      </div>
      {newName !== null ? (
        <form
          className="section"
          onSubmit={(event) => {
            event.preventDefault();
            props.onCreate(newName);
            setNewName(null);
          }}
        >
          <input
            className="input"
            autoFocus
            placeholder={`name (saved as ${props.newFilePattern})`}
            aria-label={`New ${props.noun} name`}
            value={newName}
            onChange={(event) => setNewName(event.target.value)}
            onKeyDown={(event) => event.key === "Escape" && setNewName(null)}
          />
        </form>
      ) : null}
      <div className="scroll" data-testid={props.testId}>
        {props.files.length === 0 ? (
          <div className="empty-small">No {props.noun}s in the workspace yet. Create one with +.</div>
        ) : null}
        {props.files.map((file) => (
          <div
            key={file.path}
            className={`list-item${file.path === props.selectedPath ? " selected" : ""}`}
            onClick={() => props.onOpen(file.path)}
            title={file.path}
          >
            <Icon name={props.icon} />
            <span className="name">{file.path}</span>
          </div>
        ))}
      </div>
    </aside>
  );
}

import { memo, useEffect, useRef, useState } from "react";
import type { ReactElement } from "react";
import type * as monaco from "monaco-editor";
import { editClick, placeCaretAtClick, type EditClick } from "./edit-at-click";
import { useShallow } from "zustand/react/shallow";
import type { NotebookCell } from "../../api";
import { EmptyState, ErrorBanner } from "../../components/EmptyState";
import { MonacoEditor } from "../../components/MonacoEditor";
import { CellOutputView, mergeStreams } from "../../components/values/CellOutputView";
import { WorkspaceFilePanel } from "../../components/WorkspaceFilePanel";
import { EnforceModeNotice } from "../../components/EnforceModeNotice";
import { Icon } from "../../platform/icons";
import { useCommands } from "../../platform/use-commands";
import { isActiveView } from "../../platform/views";
import { filesOfKind, useWorkspaceFiles } from "../../platform/workspace-files";
import { useNotebookStore } from "./store";
import type { CellStatus } from "./store";
import { Markdown } from "../../components/values/Markdown";
import { addTabCompletion, registerPythonAssist } from "./python-assist";
import { VariablesPanel } from "./VariablesPanel";
import "./notebook.css";

export function NotebookView(): ReactElement {
  const state = useNotebookStore(
    useShallow((s) => ({
      path: s.path,
      cells: s.cells,
      status: s.status,
      durations: s.durations,
      selectedId: s.selectedId,
      dirty: s.dirty,
      saving: s.saving,
      savedAt: s.savedAt,
      conflict: s.conflict,
      error: s.error,
      notice: s.notice,
      variablesOpen: s.variablesOpen,
      open: s.open,
      createNew: s.createNew,
      loadFiles: s.loadFiles,
      runAll: s.runAll,
      interrupt: s.interrupt,
      restart: s.restart,
      addCell: s.addCell,
      toggleVariables: s.toggleVariables,
      save: s.save,
      reload: s.reload,
    })),
  );
  const files = useWorkspaceFiles(useShallow((s) => filesOfKind(s.files, "notebook")));
  const [newName, setNewName] = useState<string | null>(null);
  const running = Object.values(state.status).some((status) => status === "running" || status === "queued");

  useEffect(() => {
    registerPythonAssist();
    void useNotebookStore.getState().loadFiles();
  }, []);

  useCommands(() => {
    const store = useNotebookStore.getState;
    const withCell = (): boolean => isActiveView("notebook") && store().selectedId !== null;
    return [
      {
        id: "notebook.run",
        title: "Notebook: Run Cell",
        keybinding: "Ctrl+Enter",
        when: withCell,
        run: () => void store().run(store().selectedId ?? ""),
      },
      {
        id: "notebook.runAdvance",
        title: "Notebook: Run Cell and Select Below",
        keybinding: "Shift+Enter",
        when: withCell,
        run: () => store().runAndAdvance(store().selectedId ?? ""),
      },
      {
        id: "notebook.runAll",
        title: "Notebook: Run All",
        when: () => isActiveView("notebook") && store().path !== null,
        run: () => void store().runAll(),
      },
      {
        id: "notebook.interrupt",
        title: "Notebook: Interrupt",
        when: () => isActiveView("notebook"),
        run: () => void store().interrupt(),
      },
      {
        id: "notebook.restart",
        title: "Notebook: Restart",
        when: () => isActiveView("notebook"),
        run: () => void store().restart(),
      },
      {
        id: "notebook.save",
        title: "Notebook: Save",
        keybinding: "Ctrl+S",
        when: () => isActiveView("notebook") && store().path !== null,
        run: () => void store().save(),
      },
    ];
  });

  return (
    <div className="split">
      <WorkspaceFilePanel
        title="Notebooks"
        noun="notebook"
        newFilePattern="notebooks/NAME.ipynb"
        icon="notebook"
        files={files}
        selectedPath={state.path}
        newName={newName}
        onNewNameChange={setNewName}
        testId="notebook-files"
        onOpen={(path) => void state.open(path)}
        onCreate={(name) => void state.createNew(name)}
        onRefresh={() => void state.loadFiles()}
      />
      <div className="main-area">
        <EnforceModeNotice what="Running notebook cells" />
        {state.path ? (
          <>
            <div className="toolbar notebook-toolbar">
              <span className="title" title={state.path}>
                {state.path}
              </span>
              <span className="hint" data-testid="notebook-save-state">
                {saveState(state)}
              </span>
              <span className="sep" />
              <button type="button" className="icon-btn" title="Run all cells" onClick={() => void state.runAll()}>
                <Icon name="runAll" />
                <span className="btn-label"> Run All</span>
              </button>
              <button
                type="button"
                className="icon-btn"
                title="Interrupt the running cell"
                disabled={!running}
                onClick={() => void state.interrupt()}
                data-testid="notebook-interrupt"
              >
                <Icon name="stop" />
                <span className="btn-label"> Interrupt</span>
              </button>
              <button
                type="button"
                className="icon-btn"
                title="Forget all variables (Python and TypeScript)"
                onClick={() => void state.restart()}
              >
                <Icon name="restart" />
                <span className="btn-label"> Restart</span>
              </button>
              <span className="sep" />
              <button
                type="button"
                className="icon-btn"
                title="Add a Python cell at the end"
                onClick={() => state.addCell(null, "python")}
              >
                <Icon name="plus" /> Python
              </button>
              <button
                type="button"
                className="icon-btn"
                title="Add a TypeScript cell at the end"
                onClick={() => state.addCell(null, "typescript")}
              >
                <Icon name="plus" /> TypeScript
              </button>
              <button
                type="button"
                className="icon-btn"
                title="Add a Markdown cell at the end"
                onClick={() => state.addCell(null, "markdown")}
              >
                <Icon name="plus" /> Markdown
              </button>
              <span className="grow" />
              <button
                type="button"
                className={`icon-btn${state.variablesOpen ? " active" : ""}`}
                title="Show the notebook's Python and TypeScript variables"
                aria-pressed={state.variablesOpen}
                onClick={() => state.toggleVariables()}
                data-testid="notebook-variables-toggle"
              >
                Variables
              </button>
              <button
                type="button"
                className="icon-btn"
                title="Save (Ctrl+S); edits are also saved automatically"
                disabled={state.saving}
                onClick={() => void state.save()}
              >
                <Icon name="save" />
                <span className="btn-label"> Save</span>
              </button>
            </div>
            <ErrorBanner message={state.error} onDismiss={() => useNotebookStore.setState({ error: null })} />
            {state.conflict ? (
              <div className="banner error" data-testid="notebook-conflict" role="alert">
                <span className="grow">
                  {state.path} was saved elsewhere (another tab or program) since this page opened it. Your cells here
                  are not saved; keep one of the two versions.
                </span>
                <button type="button" className="icon-btn" onClick={() => void state.reload()}>
                  Reload theirs
                </button>
                <button type="button" className="icon-btn" onClick={() => void state.save({ overwrite: true })}>
                  Overwrite with mine
                </button>
              </div>
            ) : null}
            {state.notice ? (
              <div className="banner info">
                <span className="grow">{state.notice}</span>
                <button type="button" className="icon-btn" onClick={() => useNotebookStore.setState({ notice: null })}>
                  ✕
                </button>
              </div>
            ) : null}
            <div className="notebook-body">
              <div className="scroll notebook" data-testid="notebook-cells">
                {state.cells.map((cell, index) => (
                  <CellView
                    key={cell.id}
                    cell={cell}
                    index={index}
                    status={state.status[cell.id] ?? "idle"}
                    selected={cell.id === state.selectedId}
                    durationMs={state.durations[cell.id]}
                  />
                ))}
                <div className="add-cell-row">
                  <button type="button" className="btn secondary" onClick={() => state.addCell(null, "python")}>
                    <Icon name="plus" /> Python cell
                  </button>
                  <button type="button" className="btn secondary" onClick={() => state.addCell(null, "typescript")}>
                    <Icon name="plus" /> TypeScript cell
                  </button>
                  <button type="button" className="btn secondary" onClick={() => state.addCell(null, "markdown")}>
                    <Icon name="plus" /> Markdown cell
                  </button>
                  <span className="muted">
                    <span className="kbd">Ctrl</span>+<span className="kbd">Enter</span> run ·{" "}
                    <span className="kbd">Shift</span>+<span className="kbd">Enter</span> run and advance ·{" "}
                    <span className="kbd">Tab</span> completes
                  </span>
                </div>
              </div>
              {state.variablesOpen ? <VariablesPanel /> : null}
            </div>
          </>
        ) : (
          <>
            <ErrorBanner message={state.error} onDismiss={() => useNotebookStore.setState({ error: null })} />
            <EmptyState title="Run Python and TypeScript side by side">
              <p>
                Python cells run in a worker process; TypeScript cells run in the host. They share one scope: TypeScript
                reads Python as <code>await py.x</code>, Python reads TypeScript values as <code>ts["x"]</code>.
              </p>
              <ol>
                <li>
                  Open a notebook on the left (<code>notebooks/welcome.ipynb</code> is a good start), or create one with{" "}
                  <strong>+</strong>.
                </li>
                <li>
                  Run a cell with <span className="kbd">Ctrl</span>+<span className="kbd">Enter</span>; arrays show as
                  tables and plots, objects as inspectable handles.
                </li>
                <li>
                  Notebooks are <code>.ipynb</code> files and save themselves as you work.
                </li>
              </ol>
              <button type="button" className="btn" onClick={() => setNewName("")}>
                New notebook
              </button>
            </EmptyState>
          </>
        )}
      </div>
    </div>
  );
}

const STATUS_LABEL: Record<CellStatus, string> = {
  idle: "",
  queued: "queued",
  running: "running…",
  ok: "",
  error: "failed",
  interrupted: "interrupted",
};

/** What the toolbar says of the file: its save state, a conflict first. */
function saveState(state: { conflict: boolean; saving: boolean; dirty: boolean; savedAt: number | null }): string {
  if (state.conflict) return "not saved: changed elsewhere";
  if (state.saving) return "saving…";
  if (state.dirty) return "edited";
  return state.savedAt ? "saved" : "";
}

const CellView = memo(function CellView({
  cell,
  index,
  status,
  selected,
  durationMs,
}: {
  cell: NotebookCell;
  index: number;
  status: CellStatus;
  selected: boolean;
  durationMs: number | undefined;
}): ReactElement {
  const store = useNotebookStore.getState();
  const [editing, setEditing] = useState(false);
  // Where a rendered Markdown cell was double-clicked: its editor opens there (edit-at-click.ts).
  const editAt = useRef<EditClick | undefined>(undefined);
  const markdown = cell.language === "markdown";
  // A Markdown cell shows rendered until double-clicked (or while empty, and from the first keystroke into it then);
  // running it renders it again.
  const showEditor = !markdown || editing || !cell.source.trim();
  useEffect(() => {
    if (markdown && status === "ok") setEditing(false);
  }, [markdown, status]);
  const editorRef = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const renderedRef = useRef<HTMLDivElement | null>(null);
  useEffect(() => {
    // Selected from the keyboard (Shift+Enter ran the cell above): typing goes on here, after the cell's text. Focus
    // moves from nowhere or from another cell (its editor, its rendered Markdown, its language menu, whose
    // type-to-select would otherwise turn the next keys into a language change), never from within this cell.
    if (!selected) return;
    const active = document.activeElement;
    const elsewhere = active === null || active === document.body || active.closest("[data-cell-id]") !== null;
    if (!elsewhere || active?.closest(`[data-cell-id="${cell.id}"]`)) return;
    const editor = editorRef.current;
    const model = editor?.getModel();
    if (editor && model) {
      const lineNumber = model.getLineCount();
      editor.setPosition({ lineNumber, column: model.getLineMaxColumn(lineNumber) });
      editor.focus();
    } else renderedRef.current?.focus();
  }, [selected, cell.id]);
  const count = status === "running" ? "*" : status === "queued" ? "…" : (cell.executionCount ?? " ");
  return (
    <div
      className={`cell${selected ? " selected" : ""} cell-${status}`}
      data-testid="cell"
      data-cell-id={cell.id}
      data-status={status}
      onMouseDown={() => store.select(cell.id)}
    >
      <div className={`cell-gutter${markdown ? " cell-markdown-gutter" : ""}`}>
        <button
          type="button"
          className="cell-run"
          title={markdown ? "Render (Ctrl+Enter)" : "Run cell (Ctrl+Enter)"}
          aria-label={`Run cell ${index + 1}`}
          onClick={() => {
            setEditing(false);
            void store.run(cell.id);
          }}
        >
          {status === "running" ? <span className="spinner" /> : <Icon name="run" />}
        </button>
        <span className="cell-count mono" data-testid="execution-count">
          [{count}]
        </span>
      </div>
      <div className="cell-body">
        <div className="cell-toolbar">
          <select
            className="cell-language"
            aria-label="Cell language"
            value={cell.language}
            onChange={(event) => {
              const language =
                event.target.value === "typescript"
                  ? "typescript"
                  : event.target.value === "markdown"
                    ? "markdown"
                    : "python";
              // Text turned into Markdown stays in its editor until it is run, as a new Markdown cell does.
              if (language === "markdown") setEditing(true);
              store.setLanguage(cell.id, language);
            }}
          >
            <option value="python">Python</option>
            <option value="typescript">TypeScript</option>
            <option value="markdown">Markdown</option>
          </select>
          <span className={`cell-status ${status}`}>{STATUS_LABEL[status]}</span>
          {durationMs !== undefined && status !== "running" ? (
            <span className="muted">{formatDuration(durationMs)}</span>
          ) : null}
          <span className="grow" />
          <button
            type="button"
            className="icon-btn"
            title="Move up"
            aria-label="Move cell up"
            onClick={() => store.moveCell(cell.id, -1)}
          >
            <Icon name="up" />
          </button>
          <button
            type="button"
            className="icon-btn"
            title="Move down"
            aria-label="Move cell down"
            onClick={() => store.moveCell(cell.id, 1)}
          >
            <Icon name="down" />
          </button>
          <button
            type="button"
            className="icon-btn"
            title="Delete cell"
            aria-label="Delete cell"
            onClick={() => store.removeCell(cell.id)}
          >
            <Icon name="trash" />
          </button>
        </div>
        {showEditor ? (
          <MonacoEditor
            key={cell.language}
            path={`cells/${cell.id}.${cell.language === "python" ? "py" : cell.language === "markdown" ? "md" : "ts"}`}
            language={cell.language}
            value={cell.source}
            autoHeight
            onChange={(source) => {
              // Typing into an empty Markdown cell is editing it: without this the first keystroke made it
              // non-empty, and it switched to rendered under the user's cursor.
              if (markdown) setEditing(true);
              store.editSource(cell.id, source);
            }}
            onMount={(editor) => {
              editorRef.current = editor;
              const focus = editor.onDidFocusEditorText(() => useNotebookStore.getState().select(cell.id));
              const tab = cell.language === "python" ? addTabCompletion(editor) : null;
              if (editAt.current !== undefined) placeCaretAtClick(editor, editAt.current);
              editAt.current = undefined;
              if ((selected && !cell.source) || editing) editor.focus();
              return () => {
                editorRef.current = null;
                focus.dispose();
                tab?.dispose();
              };
            }}
          />
        ) : (
          <div
            ref={renderedRef}
            className="cell-markdown"
            data-testid="cell-markdown"
            title="Double-click or Enter to edit"
            tabIndex={0}
            onDoubleClick={(event) => {
              editAt.current = editClick(event.currentTarget, event.clientY, event.target);
              setEditing(true);
            }}
            onKeyDown={(event) => {
              // Enter edits, as in Jupyter's command mode; Shift/Ctrl+Enter stay the notebook's run keys.
              if (event.key !== "Enter" || event.shiftKey || event.ctrlKey || event.metaKey) return;
              event.preventDefault();
              editAt.current = { fraction: 1, clientY: event.currentTarget.getBoundingClientRect().bottom };
              setEditing(true);
            }}
          >
            <Markdown source={cell.source} />
          </div>
        )}
        {cell.outputs.length ? (
          <div className="cell-outputs selectable" data-testid="cell-outputs">
            {mergeStreams(cell.outputs).map((output, outputIndex) => (
              <CellOutputView key={outputIndex} output={output} />
            ))}
          </div>
        ) : null}
      </div>
    </div>
  );
});

function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
}

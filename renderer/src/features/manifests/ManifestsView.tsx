import { useEffect, useRef, useState } from "react";
import type { ReactElement } from "react";
import { useShallow } from "zustand/react/shallow";
import type { ManifestDiagnostic } from "../../api";
import { EmptyState, ErrorBanner } from "../../components/EmptyState";
import { MonacoEditor } from "../../components/MonacoEditor";
import { monaco } from "../../components/monaco-setup";
import { WorkspaceFilePanel } from "../../components/WorkspaceFilePanel";
import { Icon } from "../../platform/icons";
import { useCommands } from "../../platform/use-commands";
import { isActiveView } from "../../platform/views";
import { filesOfKind, useWorkspaceFiles } from "../../platform/workspace-files";
import { registerManifestCompletions } from "./manifest-completions";
import { useManifestsStore } from "./store";

function toMarkers(diagnostics: ManifestDiagnostic[], model: monaco.editor.ITextModel): monaco.editor.IMarkerData[] {
  return diagnostics.map((diagnostic) => {
    // Position 0 means "no position" (e.g. a package that is not installed): mark the first line.
    const line = Math.min(Math.max(diagnostic.line, 1), model.getLineCount());
    const endLine = Math.min(Math.max(diagnostic.endLine, line), model.getLineCount());
    const column = Math.max(diagnostic.column, 1);
    const endColumn =
      diagnostic.endLine > 0 && diagnostic.endColumn > 0 ? diagnostic.endColumn : model.getLineMaxColumn(endLine);
    return {
      severity: diagnostic.severity === "error" ? monaco.MarkerSeverity.Error : monaco.MarkerSeverity.Warning,
      message: diagnostic.path ? `${diagnostic.message} (${diagnostic.path})` : diagnostic.message,
      startLineNumber: line,
      startColumn: column,
      endLineNumber: endLine,
      endColumn: endLine === line && endColumn <= column ? model.getLineMaxColumn(line) : endColumn,
      source: "snakebridge",
    };
  });
}

export function ManifestsView(): ReactElement {
  // Every field but the schema (only completions read it).
  const state = useManifestsStore(
    useShallow((s) => ({
      path: s.path,
      text: s.text,
      savedText: s.savedText,
      diagnostics: s.diagnostics,
      validating: s.validating,
      busy: s.busy,
      generated: s.generated,
      generatedTab: s.generatedTab,
      diff: s.diff,
      output: s.output,
      error: s.error,
      notice: s.notice,
      open: s.open,
      createNew: s.createNew,
      loadFiles: s.loadFiles,
      edit: s.edit,
      save: s.save,
      generate: s.generate,
      showDiff: s.showDiff,
      setGeneratedTab: s.setGeneratedTab,
      setOutput: s.setOutput,
    })),
  );
  const files = useWorkspaceFiles(useShallow((s) => filesOfKind(s.files, "manifest")));
  const [newName, setNewName] = useState<string | null>(null);
  const editor = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const dirty = state.text !== state.savedText;

  useEffect(() => {
    const store = useManifestsStore.getState();
    void store.loadFiles();
    void store.loadSchema();
    registerManifestCompletions();
  }, []);

  useEffect(() => {
    const model = editor.current?.getModel();
    if (model) monaco.editor.setModelMarkers(model, "snakebridge", toMarkers(state.diagnostics, model));
  }, [state.diagnostics, state.path]);

  useCommands(() => [
    {
      id: "manifests.save",
      title: "Manifest: Save",
      keybinding: "Ctrl+S",
      when: () => isActiveView("manifests") && useManifestsStore.getState().path !== null,
      run: () => void useManifestsStore.getState().save(),
    },
    {
      id: "manifests.generate",
      title: "Manifest: Generate TypeScript SDK",
      keybinding: "Ctrl+Shift+G",
      when: () => isActiveView("manifests") && useManifestsStore.getState().path !== null,
      run: () => void useManifestsStore.getState().generate(),
    },
    {
      id: "manifests.diff",
      title: "Manifest: Diff Against Fresh Introspection",
      when: () => isActiveView("manifests") && useManifestsStore.getState().path !== null,
      run: () => void useManifestsStore.getState().showDiff(),
    },
  ]);

  const errors = state.diagnostics.filter((diagnostic) => diagnostic.severity === "error").length;
  const warnings = state.diagnostics.length - errors;
  const generatedFile = state.generated?.files.find((file) => file.path === state.generatedTab) ?? null;

  return (
    <div className="split">
      <WorkspaceFilePanel
        title="Manifests"
        noun="manifest"
        newFilePattern="manifests/NAME.yaml"
        icon="file"
        files={files}
        selectedPath={state.path}
        newName={newName}
        onNewNameChange={setNewName}
        testId="manifest-files"
        onOpen={(path) => void state.open(path)}
        onCreate={(name) => void state.createNew(name)}
        onRefresh={() => void state.loadFiles()}
      />
      <div className="main-area">
        {state.path ? (
          <>
            <div className="toolbar">
              <span className="title">
                {state.path}
                {dirty ? " ●" : ""}
              </span>
              <span className="hint" data-testid="manifest-problems-count">
                {state.validating
                  ? "validating…"
                  : errors + warnings === 0
                    ? "✓ valid"
                    : `${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"}`}
              </span>
              <span className="grow" />
              <button
                type="button"
                className="icon-btn"
                title="Save (Ctrl+S)"
                disabled={!dirty || state.busy !== null}
                onClick={() => void state.save()}
              >
                <Icon name="save" /> Save
              </button>
              <button
                type="button"
                className="icon-btn"
                title="Compare the generated signatures with a fresh introspection"
                disabled={state.busy !== null}
                onClick={() => void state.showDiff()}
              >
                <Icon name="diff" /> Diff
              </button>
              <button
                type="button"
                className="btn"
                title="Generate the TypeScript SDK and write it (Ctrl+Shift+G)"
                disabled={state.busy !== null}
                onClick={() => void state.generate()}
              >
                <Icon name="generate" /> {state.busy === "generating" ? "Generating…" : "Generate"}
              </button>
            </div>
            <ErrorBanner message={state.error} onDismiss={() => useManifestsStore.setState({ error: null })} />
            {state.notice ? (
              <div className="banner info" data-testid="manifest-notice">
                <span className="grow">{state.notice}</span>
              </div>
            ) : null}
            <div className="manifest-panes">
              <div className="manifest-editor">
                <MonacoEditor
                  path={`manifests-editor/${state.path}`}
                  language="yaml"
                  value={state.text}
                  onChange={state.edit}
                  testId="manifest-editor"
                  onMount={(instance) => {
                    editor.current = instance;
                    const model = instance.getModel();
                    if (model)
                      monaco.editor.setModelMarkers(
                        model,
                        "snakebridge",
                        toMarkers(useManifestsStore.getState().diagnostics, model),
                      );
                    return () => {
                      editor.current = null;
                    };
                  }}
                />
                <Problems
                  diagnostics={state.diagnostics}
                  onReveal={(diagnostic) => {
                    editor.current?.revealLineInCenter(Math.max(1, diagnostic.line));
                    editor.current?.setPosition({
                      lineNumber: Math.max(1, diagnostic.line),
                      column: Math.max(1, diagnostic.column),
                    });
                    editor.current?.focus();
                  }}
                />
              </div>
              <div className="manifest-output">
                <div className="tabs">
                  <button
                    type="button"
                    className={`tab${state.output === "generated" ? " active" : ""}`}
                    onClick={() => state.setOutput("generated")}
                  >
                    Generated SDK
                  </button>
                  <button
                    type="button"
                    className={`tab${state.output === "diff" ? " active" : ""}`}
                    onClick={() => state.setOutput("diff")}
                  >
                    Diff
                  </button>
                </div>
                {state.output === "generated" ? (
                  state.generated ? (
                    <>
                      <div className="tabs file-tabs" role="tablist" data-testid="generated-tabs">
                        {state.generated.files.map((file) => (
                          <button
                            key={file.path}
                            type="button"
                            role="tab"
                            aria-selected={file.path === state.generatedTab}
                            className={`tab${file.path === state.generatedTab ? " active" : ""}`}
                            onClick={() => state.setGeneratedTab(file.path)}
                          >
                            {file.path}
                          </button>
                        ))}
                      </div>
                      <div className="banner info">
                        <span className="grow">
                          {state.generated.ok ? `${state.generated.files.length} files` : "Not generated"}
                          {state.generated.outputDir ? ` written to ${state.generated.outputDir}` : ""} · signatures
                          recovered for {state.generated.coverage.recovered} of {state.generated.coverage.total}{" "}
                          callables
                        </span>
                      </div>
                      {generatedFile ? (
                        <MonacoEditor
                          path={`generated/${generatedFile.path}`}
                          language="typescript"
                          value={generatedFile.content}
                          readOnly
                          testId="generated-editor"
                        />
                      ) : (
                        <div className="empty-small">No files were generated.</div>
                      )}
                    </>
                  ) : (
                    <EmptyState title="Generate a TypeScript SDK">
                      <p>
                        Press <strong>Generate</strong> (<span className="kbd">Ctrl</span>+
                        <span className="kbd">Shift</span>+<span className="kbd">G</span>) to turn this manifest into
                        typed TypeScript modules. They are written next to the manifest and shown here.
                      </p>
                    </EmptyState>
                  )
                ) : state.diff ? (
                  <DiffView />
                ) : (
                  <EmptyState title="Compare with the installed library">
                    <p>
                      Press <strong>Diff</strong> to introspect the packages again and list signatures that were added,
                      removed or changed since the descriptors were cached.
                    </p>
                  </EmptyState>
                )}
              </div>
            </div>
          </>
        ) : (
          <>
            <ErrorBanner message={state.error} onDismiss={() => useManifestsStore.setState({ error: null })} />
            <EmptyState title="Author an integration manifest">
              <p>
                A manifest is a small YAML file that picks which Python functions and classes the generated TypeScript
                SDK exposes.
              </p>
              <ol>
                <li>
                  Open a manifest on the left, or create one with <strong>+</strong>.
                </li>
                <li>
                  Edit it: problems are marked as you type, and <span className="kbd">Ctrl</span>+
                  <span className="kbd">Space</span> completes keys and entrypoints of libraries you described.
                </li>
                <li>
                  Press <strong>Generate</strong> to write the typed SDK, then call it from a TypeScript notebook cell.
                </li>
              </ol>
              <button type="button" className="btn" onClick={() => setNewName("")}>
                New manifest
              </button>
            </EmptyState>
          </>
        )}
      </div>
    </div>
  );
}

function Problems({
  diagnostics,
  onReveal,
}: {
  diagnostics: ManifestDiagnostic[];
  onReveal: (diagnostic: ManifestDiagnostic) => void;
}): ReactElement | null {
  if (!diagnostics.length) return null;
  return (
    <div className="problems" data-testid="manifest-problems">
      {diagnostics.map((diagnostic, index) => (
        <div key={index} className="list-item" onClick={() => onReveal(diagnostic)}>
          <span className={`dot ${diagnostic.severity === "error" ? "bad" : "busy"}`} />
          <span className="name">{diagnostic.message}</span>
          <span className="detail">
            {diagnostic.path}
            {diagnostic.line > 0 ? ` [${diagnostic.line}:${diagnostic.column}]` : ""}
          </span>
        </div>
      ))}
    </div>
  );
}

function DiffView(): ReactElement {
  const diff = useManifestsStore((state) => state.diff);
  if (!diff) return <div />;
  return (
    <div className="scroll" data-testid="manifest-diff">
      {diff.equal ? (
        <div className="banner info">
          <span className="grow">No changes: the cached descriptors match a fresh introspection.</span>
        </div>
      ) : null}
      <table className="grid full">
        <thead>
          <tr>
            <th>Path</th>
            <th>Change</th>
            <th>Before</th>
            <th>After</th>
          </tr>
        </thead>
        <tbody>
          {diff.changes.map((change) => (
            <tr key={`${change.path}-${change.change}`}>
              <td className="mono">{change.path}</td>
              <td className={`change-${change.change}`}>{change.change}</td>
              <td className="mono">{change.before ?? ""}</td>
              <td className="mono">{change.after ?? ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}

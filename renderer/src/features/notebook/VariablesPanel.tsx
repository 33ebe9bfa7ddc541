import type { ReactElement } from "react";
import { useShallow } from "zustand/react/shallow";
import type { CellLanguage, VariableView } from "../../api";
import { formatBytes } from "../../base";
import { RichValueView } from "../../components/values/RichValueView";
import { Icon } from "../../platform/icons";
import { useNotebookStore } from "./store";

/** The notebook's variables, Python and TypeScript, with a click-to-inspect view of one. */
export function VariablesPanel(): ReactElement {
  const { variables, inspected } = useNotebookStore(
    useShallow((s) => ({ variables: s.variables, inspected: s.inspected })),
  );
  const store = useNotebookStore.getState();
  return (
    <aside className="variables-panel" data-testid="variables-panel">
      <div className="panel-title">
        Variables
        <span className="grow" />
        <button
          type="button"
          className="icon-btn"
          title="Refresh"
          aria-label="Refresh variables"
          onClick={() => void store.loadVariables()}
        >
          <Icon name="refresh" />
        </button>
      </div>
      <div className="variables-scroll">
        <VariableSection title="Python" language="python" rows={variables?.python ?? null} />
        <VariableSection title="TypeScript" language="typescript" rows={variables?.typescript ?? null} />
        <StateSection rows={variables?.state ?? null} />
      </div>
      {inspected ? (
        <div className="variables-inspect" data-testid="variables-inspect">
          <div className="panel-title">
            <span className="mono" style={{ textTransform: "none" }}>
              {inspected.name}
            </span>
            <span className="muted" style={{ textTransform: "none" }}>
              &nbsp;· {inspected.language}
            </span>
            <span className="grow" />
            <button
              type="button"
              className="icon-btn"
              aria-label="Close"
              onClick={() => useNotebookStore.setState({ inspected: null })}
            >
              ✕
            </button>
          </div>
          <div className="variables-inspect-body selectable">
            {inspected.value ? <RichValueView value={inspected.value} /> : <pre className="mono">{inspected.repr}</pre>}
          </div>
        </div>
      ) : null}
    </aside>
  );
}

/** Session state the host keeps for the notebook (bridge.state / snakebridge_worker.state): survives worker crashes. */
function StateSection({ rows }: { rows: VariableView[] | null }): ReactElement {
  return (
    <section data-testid="variables-state">
      <h4 className="variables-heading" title="Kept by the host: survives a worker crash or restart">
        Host state
      </h4>
      {rows === null ? (
        <div className="muted small">loading…</div>
      ) : rows.length === 0 ? (
        <div className="muted small">
          No host state yet: <span className="mono">snakebridge_worker.state.set(name, value)</span> in a Python cell.
        </div>
      ) : (
        <table className="grid variables-table">
          <thead>
            <tr>
              <th className="col-name">Name</th>
              <th className="col-type">Type</th>
              <th className="num col-shape" title="Length">
                Shape
              </th>
              <th className="num col-size">Size</th>
              <th>Value</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.name} data-testid="state-row" data-name={row.name}>
                <td className="mono" title={row.name}>
                  {row.name}
                </td>
                <td className="mono muted" title={row.type}>
                  {row.type}
                </td>
                <td className="num" title={row.shape}>
                  {row.shape}
                </td>
                <td className="num col-size">{formatBytes(row.size)}</td>
                <td className="mono preview" title={row.preview}>
                  {row.preview}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

function VariableSection({
  title,
  language,
  rows,
}: {
  title: string;
  language: CellLanguage;
  rows: VariableView[] | null;
}): ReactElement {
  const store = useNotebookStore.getState();
  return (
    <section data-testid={`variables-${language}`}>
      <h4 className="variables-heading">{title}</h4>
      {rows === null ? (
        <div className="muted small">loading…</div>
      ) : rows.length === 0 ? (
        <div className="muted small">
          {language === "python"
            ? "No Python variables yet: run a Python cell."
            : "No TypeScript variables yet: declare one at the top level of a TypeScript cell."}
        </div>
      ) : (
        <table className="grid variables-table">
          <thead>
            <tr>
              <th className="col-name">Name</th>
              <th className="col-type">Type</th>
              <th className="num col-shape" title="Shape or length">
                Shape
              </th>
              <th className="num col-size">Size</th>
              <th>Value</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr
                key={row.name}
                data-testid="variable-row"
                data-name={row.name}
                onClick={() => void store.inspect(language, row.name)}
                title="Click to inspect"
              >
                <td className="mono" title={row.name}>
                  {row.name}
                </td>
                <td className="mono muted" title={row.type}>
                  {row.type}
                </td>
                <td className="num" title={row.shape}>
                  {row.shape}
                </td>
                <td className="num col-size">{formatBytes(row.size)}</td>
                <td className="mono preview" title={row.preview}>
                  {row.preview}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

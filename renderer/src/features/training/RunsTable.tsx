import { useState } from "react";
import type { ReactElement } from "react";
import type { RunDetailView, RunSummaryView } from "../../api";
import { formatEta } from "./chart-series";
import { runColour } from "./chart-data";
import { formatNumber } from "./event-text";
import { configDiff, RUN_COLUMNS, runDuration, visibleRuns, type RunColumn } from "./runs-table";

interface RunsTableProps {
  runs: RunSummaryView[];
  shown: string[];
  focusId: string | null;
  details: Record<string, RunDetailView>;
  diff: [string, string] | null;
  onToggle: (runId: string) => void;
  onFocus: (runId: string) => void;
  onDiff: (pair: [string, string] | null) => void;
}

/** Every run with its key hyperparameters and results: sortable, filterable, tick to overlay, diff two configs. */
export function RunsTable({
  runs,
  shown,
  focusId,
  details,
  diff,
  onToggle,
  onFocus,
  onDiff,
}: RunsTableProps): ReactElement {
  const [filter, setFilter] = useState("");
  const [sort, setSort] = useState<{ column: RunColumn; descending: boolean }>({ column: "name", descending: false });
  const now = Date.now();
  const rows = visibleRuns(runs, filter, sort, now);
  // The first two ticked runs the table shows (filter and sort decide which two).
  const ticked = rows.filter((run) => shown.includes(run.id)).map((run) => run.id);
  const pair: [string, string] | null = ticked.length >= 2 ? [ticked[0] as string, ticked[1] as string] : null;
  const cell = (run: RunSummaryView, column: RunColumn): string => {
    switch (column) {
      case "name":
        return run.name;
      case "status":
        return run.status;
      case "model":
        return String(run.params["model"] ?? "—");
      case "steps":
        return run.step === null
          ? "—"
          : `${formatNumber(run.step)}${run.maxSteps !== null ? ` / ${formatNumber(run.maxSteps)}` : ""}`;
      case "finalLoss":
        return run.loss === null ? "—" : run.loss.toFixed(4);
      case "bestLoss":
        return run.bestLoss === null ? "—" : run.bestLoss.toFixed(4);
      case "duration":
        return formatEta(runDuration(run, now));
      case "tokensPerS":
        return run.tokensPerS === null ? "—" : formatNumber(Math.round(run.tokensPerS));
      default:
        return formatNumber(run.params[column]);
    }
  };
  const left = diff ? details[diff[0]] : undefined;
  const right = diff ? details[diff[1]] : undefined;
  return (
    <div className="runs-table-view" data-testid="runs-table">
      <div className="row runs-table-bar">
        <input
          className="input"
          placeholder="Filter runs (name, status, model)…"
          aria-label="Filter runs"
          value={filter}
          onChange={(event) => setFilter(event.target.value)}
          style={{ width: 280 }}
        />
        <span className="muted">
          {rows.length} of {runs.length} runs · tick runs to overlay them on the charts
        </span>
        <span className="grow" />
        <button
          type="button"
          className="btn secondary"
          disabled={pair === null}
          onClick={() => onDiff(pair)}
          data-testid="runs-diff"
          title={
            pair === null
              ? "Tick two of the listed runs to compare their configs"
              : "Compare the configs of the first two ticked runs in the table"
          }
        >
          Compare configs
        </button>
      </div>
      <div className="scroll">
        <table className="runs-table">
          <thead>
            <tr>
              <th aria-label="Overlay" />
              {RUN_COLUMNS.map((column) => (
                <th
                  key={column.id}
                  className={column.numeric ? "num" : undefined}
                  onClick={() =>
                    setSort((current) => ({
                      column: column.id,
                      descending: current.column === column.id ? !current.descending : column.numeric,
                    }))
                  }
                  aria-sort={sort.column === column.id ? (sort.descending ? "descending" : "ascending") : "none"}
                >
                  {column.label}
                  {sort.column === column.id ? (sort.descending ? " ▾" : " ▴") : ""}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((run) => (
              <tr
                key={run.id}
                className={run.id === focusId ? "selected" : undefined}
                onClick={() => onFocus(run.id)}
                data-run-id={run.id}
              >
                <td onClick={(event) => event.stopPropagation()}>
                  <input
                    type="checkbox"
                    aria-label={`Overlay ${run.name}`}
                    checked={shown.includes(run.id)}
                    onChange={() => onToggle(run.id)}
                    style={{ accentColor: runColour(run.id) }}
                  />
                </td>
                {RUN_COLUMNS.map((column) => (
                  <td key={column.id} className={column.numeric ? "num mono" : undefined}>
                    {column.id === "name" ? (
                      <span className="swatch" style={{ background: runColour(run.id) }} />
                    ) : null}
                    {column.id === "status" ? (
                      <span className={`run-status ${run.status}`}>{run.status}</span>
                    ) : (
                      cell(run, column.id)
                    )}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
        {diff !== null ? (
          <div className="config-diff" data-testid="config-diff">
            <div className="row">
              <strong>Config diff</strong>
              <span className="muted">
                {left?.name ?? diff[0]} ↔ {right?.name ?? diff[1]}
              </span>
              <span className="grow" />
              <button type="button" className="btn secondary" onClick={() => onDiff(null)}>
                Close
              </button>
            </div>
            {left === undefined || right === undefined ? (
              <div className="muted">Loading…</div>
            ) : (
              <DiffTable rows={configDiff(left.config, right.config)} left={left.name} right={right.name} />
            )}
          </div>
        ) : null}
      </div>
    </div>
  );
}

function DiffTable({
  rows,
  left,
  right,
}: {
  rows: ReturnType<typeof configDiff>;
  left: string;
  right: string;
}): ReactElement {
  if (rows.length === 0)
    return <div className="muted">The two configs are the same (apart from their output folders).</div>;
  return (
    <table className="runs-table diff-table">
      <thead>
        <tr>
          <th>Key</th>
          <th>{left}</th>
          <th>{right}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.key}>
            <td className="mono">{row.key}</td>
            <td className="mono diff-left">{row.left}</td>
            <td className="mono diff-right">{row.right}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

import { useState } from "react";
import type { ReactElement } from "react";
import type { RunDetailView } from "../../api";
import { formatNumber, summaryRows } from "./event-text";
import type { TryItResult } from "./store";

interface RunDetailProps {
  run: RunDetailView;
  busy: string | null;
  tryIt: TryItResult | null;
  onResume: (checkpoint?: string) => void;
  onExport: (kind: "adapter" | "merged", checkpoint?: string) => void;
  onGenerate: (prompt: string) => void;
  onSnapshot: (steps: number) => void;
}

/** One run: where it wrote, its summary (whole), its checkpoints (resume, export), Try it, and its frozen config. */
export function RunDetail({
  run,
  busy,
  tryIt,
  onResume,
  onExport,
  onGenerate,
  onSnapshot,
}: RunDetailProps): ReactElement {
  const [prompt, setPrompt] = useState("Question: what is 7 plus 5?\nAnswer:");
  const [snapshotSteps, setSnapshotSteps] = useState(5);
  const started = run.events.find((event) => event.type === "started")?.payload;
  const finished = [...run.events].reverse().find((event) => event.type === "finished")?.payload;
  const summary =
    finished && typeof finished["summary"] === "object" && finished["summary"] !== null
      ? (finished["summary"] as Record<string, unknown>)
      : null;
  const live = run.status === "running" || run.status === "created";
  const onCuda = started?.["device"] === "cuda";
  const hasModel = run.checkpoints.length > 0;
  return (
    <div className="scroll run-detail" data-testid="run-detail">
      <section className="detail-card">
        <h3>{run.name}</h3>
        <dl className="facts">
          <dt>Run id</dt>
          <dd className="mono selectable">{run.id}</dd>
          <dt>Folder</dt>
          <dd className="mono selectable" data-testid="run-dir">
            {run.runDir ?? "—"}
          </dd>
          {started ? (
            <>
              <dt>Device</dt>
              <dd>
                {String(started["device"])} ({String(started["backend"])})
              </dd>
              <dt>Parameters</dt>
              <dd>
                {formatNumber(started["trainable_params"])} trainable of {formatNumber(started["total_params"])}
              </dd>
              {typeof started["node"] === "string" && started["node"] !== "" ? (
                <>
                  <dt>Ray node</dt>
                  <dd className="mono" data-testid="run-node">
                    {started["node"]}
                  </dd>
                </>
              ) : null}
            </>
          ) : null}
        </dl>
        {live && onCuda ? (
          <div className="row">
            <button
              type="button"
              className="btn secondary"
              onClick={() => onSnapshot(snapshotSteps)}
              data-testid="memory-snapshot"
              title="Records torch.cuda.memory._record_memory_history for N steps and saves a pickle that pytorch.org/memory_viz opens"
            >
              Memory snapshot
            </button>
            <label className="check">
              for{" "}
              <input
                className="input"
                type="number"
                min={1}
                max={1000}
                value={snapshotSteps}
                onChange={(event) => setSnapshotSteps(Math.max(1, Number(event.target.value) || 1))}
                style={{ width: 60 }}
              />{" "}
              steps
            </label>
          </div>
        ) : null}
      </section>

      {summary !== null ? (
        <section className="detail-card" data-testid="run-summary">
          <h3>Summary — {String(finished?.["status"])}</h3>
          <dl className="facts summary">
            {summaryRows(summary).map((row) => (
              <div key={row.key} className={`fact${row.value.length > 28 ? " wide" : ""}`}>
                <dt>{row.label}</dt>
                <dd className="mono selectable">{row.value}</dd>
              </div>
            ))}
          </dl>
        </section>
      ) : null}

      <section className="detail-card" data-testid="run-checkpoints">
        <h3>Checkpoints</h3>
        {run.checkpoints.length === 0 ? (
          <div className="muted">
            No checkpoint yet: a run saves one every save_every steps and when it completes or stops.
          </div>
        ) : (
          <table className="runs-table">
            <thead>
              <tr>
                <th className="num">Step</th>
                <th>Folder</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {run.checkpoints.map((checkpoint) => (
                <tr key={checkpoint.path} data-step={checkpoint.step}>
                  <td className="num mono">{formatNumber(checkpoint.step)}</td>
                  <td className="mono selectable path">{checkpoint.path}</td>
                  <td className="actions">
                    <button
                      type="button"
                      className="btn secondary"
                      disabled={busy !== null}
                      onClick={() => onResume(checkpoint.path)}
                      data-testid={`resume-${checkpoint.step}`}
                    >
                      Resume
                    </button>
                    <button
                      type="button"
                      className="btn secondary"
                      disabled={busy !== null}
                      onClick={() => onExport("adapter", checkpoint.path)}
                      data-testid={`export-adapter-${checkpoint.step}`}
                    >
                      Export adapter
                    </button>
                    <button
                      type="button"
                      className="btn secondary"
                      disabled={busy !== null}
                      onClick={() => onExport("merged", checkpoint.path)}
                      data-testid={`export-merged-${checkpoint.step}`}
                    >
                      Export merged
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </section>

      <section className="detail-card" data-testid="try-it">
        <h3>Try it</h3>
        <div className="muted">
          Greedy completions of your prompt by the base model and with this run's latest adapter.
        </div>
        <textarea
          className="input try-prompt"
          aria-label="Prompt"
          value={prompt}
          onChange={(event) => setPrompt(event.target.value)}
          rows={3}
        />
        <div className="row">
          <button
            type="button"
            className="btn"
            disabled={!hasModel || busy !== null || prompt.trim() === ""}
            onClick={() => onGenerate(prompt)}
            data-testid="try-generate"
          >
            {busy === "Generating…" ? "Generating…" : "Generate"}
          </button>
          {!hasModel ? <span className="muted">Needs a checkpoint.</span> : null}
        </div>
        {tryIt !== null && tryIt.runId === run.id ? (
          <div className="try-results">
            <div>
              <div className="gpu-label">Base model</div>
              <pre className="mono selectable" data-testid="try-base">
                {tryIt.base || "(nothing)"}
              </pre>
            </div>
            <div>
              <div className="gpu-label">With the adapter</div>
              <pre className="mono selectable" data-testid="try-adapter">
                {tryIt.adapter || "(nothing)"}
              </pre>
            </div>
          </div>
        ) : null}
      </section>

      <section className="detail-card" data-testid="frozen-config">
        <h3>Config (frozen when the run started)</h3>
        <pre className="mono selectable frozen-config">{run.configText}</pre>
      </section>
      {!live && hasModel ? (
        <div className="row" style={{ padding: "0 12px 12px" }}>
          <button type="button" className="btn secondary" onClick={() => onResume()} data-testid="resume-latest">
            Resume from the latest checkpoint
          </button>
        </div>
      ) : null}
    </div>
  );
}

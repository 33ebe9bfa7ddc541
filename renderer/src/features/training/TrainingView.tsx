import { useEffect } from "react";
import type { ReactElement } from "react";
import type { RunDetailView, RunStatus } from "../../api";
import { EmptyState, ErrorBanner } from "../../components/EmptyState";
import { MonacoEditor } from "../../components/MonacoEditor";
import { PythonErrorBlock } from "../../components/values/PythonErrorBlock";
import { Icon } from "../../shell/icons";
import { chartLine, formatBytes, formatEta, matchingSeries, smoothedLine, stepClock } from "./chart-series";
import { MetricChart } from "./MetricChart";
import type { ChartLine } from "./MetricChart";
import { registerTrainingConfigCompletions } from "./config-completions";
import { useTrainingStore } from "./store";

const RUN_COLOURS = ["#4daafc", "#f0a35e", "#73c991", "#c586c0", "#e5c07b", "#f48771"];
const ACTIVE: RunStatus[] = ["created", "running"];

export function TrainingView(): ReactElement {
  const state = useTrainingStore();
  const focus = state.focusId ? state.details[state.focusId] : undefined;
  const focusSummary = state.runs.find((run) => run.id === state.focusId);
  const shownDetails = state.shown.map((id) => state.details[id]).filter((detail): detail is RunDetailView => detail !== undefined);

  useEffect(() => {
    const store = useTrainingStore.getState();
    const stop = store.listen();
    void store.load();
    registerTrainingConfigCompletions();
    return stop;
  }, []);

  const colourOf = (runId: string): string => RUN_COLOURS[Math.max(0, state.shown.indexOf(runId)) % RUN_COLOURS.length] ?? "#4daafc";
  const startOf = (detail: RunDetailView): number => detail.startedAt ?? detail.createdAt;
  const overlay = shownDetails.length > 1;
  const linesFor = (name: string, options: { smooth?: boolean } = {}): ChartLine[] =>
    shownDetails.flatMap((detail) => {
      const series = detail.series[name] ?? [];
      const label = overlay ? detail.name : name;
      const raw: ChartLine = { key: `${detail.id}-${name}`, label, colour: colourOf(detail.id), points: chartLine(series, state.xAxis, startOf(detail), state.logScale, stepClock(detail.series.loss ?? [], startOf(detail))), faded: Boolean(options.smooth && state.smoothing > 0) };
      if (!options.smooth || state.smoothing === 0) return [raw];
      return [raw, { key: `${detail.id}-${name}-ema`, label: overlay ? `${detail.name} (EMA)` : `${name} (EMA ${state.smoothing.toFixed(2)})`, colour: colourOf(detail.id), points: smoothedLine(series, state.xAxis, startOf(detail), state.smoothing, state.logScale) }];
    });
  const gpuLines: ChartLine[] = shownDetails.flatMap((detail) => {
    const styles: [RegExp, string, boolean][] = [[/^gpu\d+\.memory_used_bytes$/, "used", false], [/^cuda\d+\.allocated_bytes$/, "allocated", false], [/^cuda\d+\.reserved_bytes$/, "reserved", true]];
    return styles.flatMap(([pattern, label, dashed], styleIndex) =>
      matchingSeries(detail.series, pattern).map((name) => ({
        key: `${detail.id}-${name}`,
        label: `${overlay ? `${detail.name} ` : ""}${name.split(".")[0]} ${label}`,
        colour: overlay ? colourOf(detail.id) : (["#4daafc", "#73c991", "#f0a35e"][styleIndex] ?? "#4daafc"),
        dashed,
        points: chartLine(detail.series[name] ?? [], state.xAxis, startOf(detail), state.logScale, stepClock(detail.series.loss ?? [], startOf(detail))),
      })),
    );
  });
  const xLabel = state.xAxis === "step" ? "step" : "seconds";

  return (
    <div className="split">
      <aside className="side-panel training-side">
        <div className="panel-title">Run config<span className="grow" /></div>
        <div className="section" style={{ paddingBottom: 4 }}>
          <select className="input" aria-label="Config file" value={state.configPath ?? ""} onChange={(event) => void state.openConfig(event.target.value)}>
            {state.configPath === null ? <option value="">{state.configFiles.length ? "Pick a config…" : "No run configs in the workspace"}</option> : null}
            {state.configFiles.map((file) => <option key={file.path} value={file.path}>{file.path}</option>)}
          </select>
        </div>
        <div className="config-editor">
          <MonacoEditor path="training-config/config.yaml" language="yaml" value={state.configText} onChange={state.setConfigText} testId="training-config" />
        </div>
        <div className="section">
          <div className="row">
            <input className="input grow" placeholder="Run name (optional)" aria-label="Run name" value={state.runName} onChange={(event) => state.setRunName(event.target.value)} />
            <button type="button" className="btn" disabled={state.starting} onClick={() => void state.start()} data-testid="training-start"><Icon name="run" /> {state.starting ? "Starting…" : "Start"}</button>
          </div>
        </div>
        <div className="section-label">Runs</div>
        <div className="scroll runs-list" data-testid="training-runs">
          {state.runs.length === 0 ? <div className="empty-small">No runs yet.</div> : null}
          {state.runs.map((run) => (
            <div key={run.id} className={`list-item run-item${run.id === state.focusId ? " selected" : ""}`} onClick={() => void state.focus(run.id)} title={`${run.name} — ${run.status}`}>
              <input type="checkbox" aria-label={`Overlay ${run.name}`} checked={state.shown.includes(run.id)} onClick={(event) => event.stopPropagation()} onChange={() => void state.toggleShown(run.id)} style={{ accentColor: state.shown.includes(run.id) ? colourOf(run.id) : undefined }} />
              <span className={`dot ${run.status === "running" ? "busy" : run.status === "completed" ? "ok" : run.status === "failed" ? "bad" : "idle"}`} />
              <span className="name">{run.name}</span>
              <span className="detail">{run.status}{run.step !== null ? ` · ${run.step}` : ""}</span>
            </div>
          ))}
        </div>
      </aside>
      <div className="main-area">
        <div className="toolbar">
          {focusSummary ? (
            <>
              <span className="title" data-testid="training-run-title">{focusSummary.name}</span>
              <span className={`run-status ${focusSummary.status}`} data-testid="training-status">{focusSummary.status}</span>
              <span className="hint">
                step {focusSummary.step ?? "—"} · loss {focusSummary.loss !== null ? focusSummary.loss.toFixed(4) : "—"} · ETA {ACTIVE.includes(focusSummary.status) ? formatEta(focusSummary.etaS) : "—"}
              </span>
              {ACTIVE.includes(focusSummary.status) ? (
                <button type="button" className="btn danger" style={{ marginLeft: 8 }} onClick={() => void state.stop(focusSummary.id)} data-testid="training-stop"><Icon name="stop" /> Stop</button>
              ) : null}
            </>
          ) : <span className="title">Training</span>}
          <span className="grow" />
          <span className="seg" role="group" aria-label="X axis">
            <button type="button" className={state.xAxis === "step" ? "on" : ""} onClick={() => state.setXAxis("step")}>Step</button>
            <button type="button" className={state.xAxis === "time" ? "on" : ""} onClick={() => state.setXAxis("time")}>Wall time</button>
          </span>
          <label className="check" style={{ marginLeft: 10 }}><input type="checkbox" checked={state.logScale} onChange={(event) => state.setLogScale(event.target.checked)} /> log scale</label>
          <label className="check" style={{ marginLeft: 10 }} title="Exponential moving average weight for the loss">
            smoothing
            <input type="range" min={0} max={0.99} step={0.01} value={state.smoothing} onChange={(event) => state.setSmoothing(Number(event.target.value))} aria-label="Smoothing" />
            <span className="mono" style={{ width: 28 }}>{state.smoothing.toFixed(2)}</span>
          </label>
        </div>
        <ErrorBanner message={state.error} onDismiss={() => useTrainingStore.setState({ error: null })} />
        {focus?.error ? <div style={{ padding: "6px 12px" }}><PythonErrorBlock error={focus.error} /></div> : null}
        {shownDetails.length === 0 ? (
          <EmptyState title="Fine-tune and watch it live">
            <p>A run fine-tunes a causal language model with LoRA in a worker and streams its loss, learning rate and memory here.</p>
            <ol>
              <li>Pick or edit a run config on the left (<code>tiny-cpu</code> trains a tiny model on the CPU in a minute, downloading nothing).</li>
              <li>Press <strong>Start</strong> and watch the charts; <strong>Stop</strong> ends a run cleanly.</li>
              <li>Tick past runs in the list to overlay and compare them.</li>
            </ol>
          </EmptyState>
        ) : (
          <div className="scroll charts" data-testid="training-charts">
            <MetricChart testId="chart-loss" title="Loss" lines={linesFor("loss", { smooth: true })} xLabel={xLabel} logScale={state.logScale} emptyText="Waiting for the first logged step…" />
            <MetricChart testId="chart-eval-loss" title="Eval loss" lines={linesFor("eval_loss")} xLabel={xLabel} logScale={state.logScale} emptyText="No evaluation yet (eval_every in the config sets how often)." />
            <MetricChart testId="chart-lr" title="Learning rate" lines={linesFor("learning_rate")} xLabel={xLabel} logScale={state.logScale} emptyText="No learning-rate points yet." />
            <MetricChart testId="chart-grad-norm" title="Gradient norm" lines={linesFor("grad_norm")} xLabel={xLabel} logScale={state.logScale} emptyText="No gradient-norm points yet." />
            <MetricChart testId="chart-gpu-memory" title="GPU memory" lines={gpuLines} xLabel={xLabel} logScale={false} formatY={formatBytes} emptyText="No GPU telemetry: this run's worker has no GPU (or NVML is unavailable)." />
            <MetricChart testId="chart-host-memory" title="Host memory (worker RSS)" lines={linesFor("host.rss_bytes")} xLabel={xLabel} logScale={false} formatY={formatBytes} emptyText="No host memory samples yet." />
            {focus && focus.events.length ? (
              <div className="chart-card events-card">
                <div className="chart-title">Events — {focus.name}</div>
                <div className="events-list">
                  {focus.events.slice(-50).reverse().map((event, index) => (
                    <div key={index} className="event-row">
                      <span className="mono muted">{new Date(event.at).toLocaleTimeString([], { hour12: false })}</span>
                      <span className="event-type">{event.type}</span>
                      <span className="mono selectable">{summarisePayload(event.payload)}</span>
                    </div>
                  ))}
                </div>
              </div>
            ) : null}
          </div>
        )}
      </div>
    </div>
  );
}

function summarisePayload(payload: Record<string, unknown>): string {
  const show = (value: unknown): string => {
    if (typeof value === "number") return Number.isInteger(value) ? String(value) : String(Number(value.toPrecision(5)));
    return typeof value === "object" ? JSON.stringify(value) : String(value);
  };
  const text = Object.entries(payload).map(([key, value]) => `${key}=${show(value)}`).join("  ");
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

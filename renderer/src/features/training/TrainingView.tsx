import { memo, useEffect, useState } from "react";
import type { ReactElement } from "react";
import { useShallow } from "zustand/react/shallow";
import type { RunDetailView, RunStatus } from "../../api";
import { EmptyState, ErrorBanner } from "../../components/EmptyState";
import { MonacoEditor } from "../../components/MonacoEditor";
import { PythonErrorBlock } from "../../components/values/PythonErrorBlock";
import { Icon } from "../../platform/icons";
import { useWorkspaceFiles } from "../../platform/workspace-files";
import { assignRunColours, runColour } from "./chart-data";
import { formatEta } from "./chart-series";
import { pastedConfigPath } from "./config-form";
import { registerTrainingConfigCompletions } from "./config-completions";
import { NewRunDialog } from "./NewRunDialog";
import { RunDetail } from "./RunDetail";
import { RunsTable } from "./RunsTable";
import { configFilesOf, useTrainingStore } from "./store";
import { TrainingCharts } from "./TrainingCharts";
import { TrainingSetup } from "./TrainingSetup";
import "./training.css";

const ACTIVE: RunStatus[] = ["created", "running"];

/** The ticked runs' details, in overlay order (shallow-equal while none of them is replaced). */
function shownDetailsOf(state: { shown: string[]; details: Record<string, RunDetailView> }): RunDetailView[] {
  return state.shown.map((id) => state.details[id]).filter((detail): detail is RunDetailView => detail !== undefined);
}

export function TrainingView(): ReactElement {
  // Everything but the live version: a telemetry tick re-renders only the charts (LiveCharts) and the detail tab.
  const state = useTrainingStore(
    useShallow((s) => ({
      runs: s.runs,
      shown: s.shown,
      focusId: s.focusId,
      focus: s.focusId ? s.details[s.focusId] : undefined,
      details: s.details,
      configPath: s.configPath,
      configText: s.configText,
      savedText: s.savedText,
      runName: s.runName,
      xAxis: s.xAxis,
      logScale: s.logScale,
      smoothing: s.smoothing,
      tab: s.tab,
      newRunOpen: s.newRunOpen,
      environment: s.environment,
      install: s.install,
      diff: s.diff,
      busy: s.busy,
      notice: s.notice,
      starting: s.starting,
      error: s.error,
      openConfig: s.openConfig,
      setConfigText: s.setConfigText,
      setRunName: s.setRunName,
      save: s.save,
      saveAs: s.saveAs,
      createConfig: s.createConfig,
      start: s.start,
      stop: s.stop,
      installTraining: s.installTraining,
      focusRun: s.focus,
      toggleShown: s.toggleShown,
      setDiff: s.setDiff,
      setXAxis: s.setXAxis,
      setLogScale: s.setLogScale,
      setSmoothing: s.setSmoothing,
      setTab: s.setTab,
      setNewRunOpen: s.setNewRunOpen,
    })),
  );
  const configFiles = useWorkspaceFiles(useShallow((s) => configFilesOf(s.files)));
  const focus = state.focus;
  const focusSummary = state.runs.find((run) => run.id === state.focusId);
  const hasShown = state.shown.some((id) => state.details[id] !== undefined);
  const dirty = state.configPath !== null && state.configText !== state.savedText;
  const [saveAsPath, setSaveAsPath] = useState<string | null>(null);
  assignRunColours(state.runs);

  useEffect(() => {
    void useTrainingStore.getState().load();
    registerTrainingConfigCompletions();
  }, []);

  useEffect(() => {
    if (state.notice === null) return;
    const timer = setTimeout(() => useTrainingStore.setState({ notice: null }), 6000);
    return () => clearTimeout(timer);
  }, [state.notice]);

  const progress =
    focusSummary && focusSummary.step !== null && focusSummary.maxSteps
      ? Math.min(1, focusSummary.step / focusSummary.maxSteps)
      : null;

  return (
    <div className="split">
      <aside className="side-panel training-side">
        <div className="panel-title">
          Run config
          <span className="grow" />
          <button
            type="button"
            className="btn"
            onClick={() => state.setNewRunOpen(true)}
            data-testid="training-new-run"
          >
            <Icon name="plus" /> New run
          </button>
        </div>
        <div className="section" style={{ paddingBottom: 4 }}>
          <select
            className="input"
            aria-label="Config file"
            value={state.configPath ?? ""}
            onChange={(event) => void state.openConfig(event.target.value)}
          >
            {state.configPath === null ? (
              <option value="">
                {configFiles.length
                  ? state.configText
                    ? "Unsaved config"
                    : "Pick a config…"
                  : "No run configs: press New run"}
              </option>
            ) : null}
            {state.configPath !== null && !configFiles.some((file) => file.path === state.configPath) ? (
              <option value={state.configPath}>{state.configPath}</option>
            ) : null}
            {configFiles.map((file) => (
              <option key={file.path} value={file.path}>
                {file.path}
              </option>
            ))}
          </select>
        </div>
        <div className="config-editor">
          <MonacoEditor
            path="training-config/config.yaml"
            language="yaml"
            value={state.configText}
            onChange={state.setConfigText}
            testId="training-config"
          />
        </div>
        <div className="section">
          <div className="row">
            <button
              type="button"
              className="btn secondary"
              disabled={!dirty && state.configPath !== null}
              onClick={() => void state.save()}
              data-testid="training-save"
              title="Write the editor's text to the config file"
            >
              <Icon name="save" /> Save{dirty ? " •" : ""}
            </button>
            <button
              type="button"
              className="btn secondary"
              onClick={() =>
                setSaveAsPath(
                  pastedConfigPath(
                    state.configText,
                    configFiles.map((file) => file.path),
                  ),
                )
              }
              data-testid="training-save-as"
            >
              Save as…
            </button>
            <span className="muted config-note">
              {state.configPath === null
                ? "Start saves it first"
                : dirty
                  ? "Start uses the edited text; the file stays as it is"
                  : ""}
            </span>
          </div>
          {saveAsPath !== null ? (
            <div className="row">
              <input
                className="input grow"
                aria-label="Save as path"
                value={saveAsPath}
                onChange={(event) => setSaveAsPath(event.target.value)}
              />
              <button
                type="button"
                className="btn"
                onClick={() => void state.saveAs(saveAsPath).then((ok) => ok && setSaveAsPath(null))}
                data-testid="training-save-as-confirm"
              >
                Save
              </button>
              <button type="button" className="btn secondary" onClick={() => setSaveAsPath(null)}>
                Cancel
              </button>
            </div>
          ) : null}
          <div className="row">
            <input
              className="input grow"
              placeholder="Run name (optional)"
              aria-label="Run name"
              value={state.runName}
              onChange={(event) => state.setRunName(event.target.value)}
            />
            <button
              type="button"
              className="btn"
              disabled={state.starting || (state.environment?.missing.length ?? 0) > 0}
              onClick={() => void state.start()}
              data-testid="training-start"
            >
              <Icon name="run" /> {state.starting ? "Starting…" : "Start"}
            </button>
          </div>
        </div>
        <div className="section-label">Runs</div>
        <div className="scroll runs-list" data-testid="training-runs">
          {state.runs.length === 0 ? <div className="empty-small">No runs yet.</div> : null}
          {state.runs.map((run) => (
            <div
              key={run.id}
              className={`list-item run-item${run.id === state.focusId ? " selected" : ""}`}
              onClick={() => void state.focusRun(run.id)}
              title={`${run.name} — ${run.status}`}
            >
              <input
                type="checkbox"
                aria-label={`Overlay ${run.name}`}
                checked={state.shown.includes(run.id)}
                onClick={(event) => event.stopPropagation()}
                onChange={() => void state.toggleShown(run.id)}
                style={{ accentColor: runColour(run.id) }}
              />
              <span className="swatch" style={{ background: runColour(run.id) }} />
              <span
                className={`dot ${run.status === "running" ? "busy" : run.status === "completed" ? "ok" : run.status === "failed" ? "bad" : "idle"}`}
              />
              <span className="name">{run.name}</span>
              <span className="detail">
                {run.status}
                {run.step !== null ? ` · ${run.step}` : ""}
              </span>
            </div>
          ))}
        </div>
      </aside>
      <div className="main-area">
        <div className="toolbar training-toolbar">
          {focusSummary ? (
            <>
              <span className="title" data-testid="training-run-title">
                {focusSummary.name}
              </span>
              <span className={`run-status ${focusSummary.status}`} data-testid="training-status">
                {focusSummary.status}
              </span>
              {progress !== null ? (
                <span className="progress inline" title={`${focusSummary.step} of ${focusSummary.maxSteps} steps`}>
                  <span className="progress-fill" style={{ width: `${Math.round(progress * 100)}%` }} />
                </span>
              ) : null}
              <span className="hint" data-testid="training-progress">
                step {focusSummary.step ?? "—"}
                {focusSummary.maxSteps ? ` / ${focusSummary.maxSteps}` : ""} · loss{" "}
                {focusSummary.loss !== null ? focusSummary.loss.toFixed(4) : "—"} · ETA{" "}
                {ACTIVE.includes(focusSummary.status)
                  ? focusSummary.etaS === null && focusSummary.status === "running"
                    ? "calibrating…"
                    : formatEta(focusSummary.etaS)
                  : "—"}
              </span>
              {ACTIVE.includes(focusSummary.status) ? (
                <button
                  type="button"
                  className="btn danger"
                  style={{ marginLeft: 8 }}
                  onClick={() => void state.stop(focusSummary.id)}
                  data-testid="training-stop"
                >
                  <Icon name="stop" /> Stop
                </button>
              ) : null}
            </>
          ) : (
            <span className="title">Training</span>
          )}
          <span className="grow" />
          <span className="seg" role="group" aria-label="X axis">
            <button type="button" className={state.xAxis === "step" ? "on" : ""} onClick={() => state.setXAxis("step")}>
              Step
            </button>
            <button type="button" className={state.xAxis === "time" ? "on" : ""} onClick={() => state.setXAxis("time")}>
              Wall time
            </button>
            <button
              type="button"
              className={state.xAxis === "tokens" ? "on" : ""}
              onClick={() => state.setXAxis("tokens")}
            >
              Tokens
            </button>
          </span>
          <label className="check" style={{ marginLeft: 10 }}>
            <input
              type="checkbox"
              checked={state.logScale}
              onChange={(event) => state.setLogScale(event.target.checked)}
            />{" "}
            log scale
          </label>
          <label
            className="check"
            style={{ marginLeft: 10 }}
            title="Debiased exponential moving average of the loss; the raw values stay drawn faintly behind it"
          >
            smoothing
            <input
              type="range"
              min={0}
              max={0.99}
              step={0.01}
              value={state.smoothing}
              onChange={(event) => state.setSmoothing(Number(event.target.value))}
              aria-label="Smoothing"
            />
            <span className="mono" style={{ width: 28 }}>
              {state.smoothing.toFixed(2)}
            </span>
          </label>
        </div>
        <div className="tabs training-tabs" role="tablist">
          {(["charts", "runs", "detail"] as const).map((tab) => (
            <button
              key={tab}
              type="button"
              role="tab"
              aria-selected={state.tab === tab}
              className={`tab${state.tab === tab ? " active" : ""}`}
              onClick={() => state.setTab(tab)}
              data-testid={`training-tab-${tab}`}
            >
              {tab === "charts" ? "Charts" : tab === "runs" ? `Runs (${state.runs.length})` : "Run detail"}
            </button>
          ))}
        </div>
        <TrainingSetup
          environment={state.environment}
          install={state.install}
          onInstall={() => void state.installTraining()}
        />
        <ErrorBanner message={state.error} onDismiss={() => useTrainingStore.setState({ error: null })} />
        {state.notice || state.busy ? (
          <div className="banner info" data-testid="training-notice">
            {state.busy ?? state.notice}
          </div>
        ) : null}
        {focus?.error && state.tab !== "runs" ? (
          <div style={{ padding: "6px 12px" }}>
            <PythonErrorBlock error={focus.error} />
          </div>
        ) : null}
        {state.tab === "runs" ? (
          <RunsTable
            runs={state.runs}
            shown={state.shown}
            focusId={state.focusId}
            details={state.details}
            diff={state.diff}
            onToggle={(id) => void state.toggleShown(id)}
            onFocus={(id) => void state.focusRun(id)}
            onDiff={(pair) => void state.setDiff(pair)}
          />
        ) : state.tab === "detail" ? (
          focus ? (
            <LiveRunDetail run={focus} />
          ) : (
            <div className="empty-small">Pick a run in the list to see its detail.</div>
          )
        ) : !hasShown ? (
          <EmptyState title="Fine-tune and watch it live">
            <p>
              A run fine-tunes a causal language model with LoRA in a worker and streams its loss, learning rate and
              memory here.
            </p>
            <ol>
              <li>
                Open <code>training/tiny-cpu.run.yaml</code> on the left (it trains a tiny model on the CPU in about a
                minute, downloading nothing), or press <strong>New run</strong> to fill in a form.
              </li>
              <li>
                Press <strong>Start</strong> and watch the charts; <strong>Stop</strong> ends a run cleanly with a
                checkpoint.
              </li>
              <li>
                Tick runs to overlay them; the <strong>Runs</strong> tab compares them and their configs.
              </li>
            </ol>
          </EmptyState>
        ) : (
          <LiveCharts />
        )}
      </div>
      {state.newRunOpen ? (
        <NewRunDialog
          configFiles={configFiles}
          onOpenConfig={(path) => {
            state.setNewRunOpen(false);
            void state.openConfig(path);
          }}
          onCreate={(path, text) => void state.createConfig(path, text)}
          onClose={() => state.setNewRunOpen(false)}
        />
      ) : null}
    </div>
  );
}

/** The charts of the ticked runs: re-renders on their live version (each telemetry tick), alone. */
const LiveCharts = memo(function LiveCharts(): ReactElement {
  const shown = useTrainingStore(useShallow(shownDetailsOf));
  const focus = useTrainingStore((s) => (s.focusId ? s.details[s.focusId] : undefined));
  const options = useTrainingStore(
    useShallow((s) => ({ xAxis: s.xAxis, logScale: s.logScale, smoothing: s.smoothing })),
  );
  // Subscribed for its changes: the series grew in place, so the details above are the same objects.
  useTrainingStore((s) => s.shown.reduce((sum, id) => sum + (s.liveVersion[id] ?? 0), 0));
  return <TrainingCharts shown={shown} focus={focus} {...options} />;
});

/** The focused run's detail, with its events as they arrive. */
function LiveRunDetail({ run }: { run: RunDetailView }): ReactElement {
  const { busy, tryIt, resume, exportModel, generate, memorySnapshot } = useTrainingStore(
    useShallow((s) => ({
      busy: s.busy,
      tryIt: s.tryIt,
      resume: s.resume,
      exportModel: s.exportModel,
      generate: s.generate,
      memorySnapshot: s.memorySnapshot,
    })),
  );
  // Events are appended in place (live-run.ts): the version says when.
  useTrainingStore((s) => s.liveVersion[run.id] ?? 0);
  return (
    <RunDetail
      run={run}
      busy={busy}
      tryIt={tryIt}
      onResume={(checkpoint) => void resume(run.id, checkpoint)}
      onExport={(kind, checkpoint) => void exportModel(run.id, kind, checkpoint)}
      onGenerate={(prompt) => void generate(run.id, prompt)}
      onSnapshot={(steps) => void memorySnapshot(run.id, steps)}
    />
  );
}

import { useEffect } from "react";
import type { ReactElement } from "react";
import type { RunDetailView, SeriesPoint } from "../../api";
import { dropSeriesIndexes, runColour, seriesIndex, tokensAtStep, type XAxisKind, type XOf } from "./chart-data";
import { formatBytes } from "../../base";
import { matchingSeries, stepClock } from "./chart-series";
import { eventLine, summaryRows } from "./event-text";
import { GpuPanel } from "./GpuPanel";
import { gpuReadings } from "./gpu-readings";
import { MetricChart, type ChartSeries } from "./MetricChart";

interface TrainingChartsProps {
  shown: RunDetailView[];
  focus: RunDetailView | undefined;
  xAxis: XAxisKind;
  logScale: boolean;
  smoothing: number;
}

const X_LABELS: Record<XAxisKind, string> = { step: "step", time: "seconds", tokens: "tokens" };
const LIVE = new Set(["created", "running"]);
const formatSeconds = (value: number): string =>
  value >= 120 ? `${Math.round(value / 60)}m` : `${Math.round(value)}s`;
const formatTokens = (value: number): string =>
  value >= 1e6
    ? `${(value / 1e6).toFixed(1)}M`
    : value >= 1e3
      ? `${(value / 1e3).toFixed(0)}k`
      : String(Math.round(value));
const X_FORMATS: Record<XAxisKind, ((value: number) => string) | undefined> = {
  step: undefined,
  time: formatSeconds,
  tokens: formatTokens,
};

/** How each run's points map to x: its step, seconds since it was created (never negative), or tokens seen. */
function xMapping(run: RunDetailView, axis: XAxisKind): XOf {
  const clock = stepClock(run.series["loss"] ?? [], run.startedAt ?? run.createdAt);
  const stepOf = (point: SeriesPoint): number | null => point.step ?? clock(point.at);
  if (axis === "time") return (point) => Math.max(0, (point.at - run.createdAt) / 1000);
  if (axis === "tokens") {
    const tokens = tokensAtStep(run.series["tokens_seen"] ?? []);
    return (point) => {
      const step = stepOf(point);
      return step === null ? null : tokens(step);
    };
  }
  return stepOf;
}

/** The loss, eval loss, learning rate, gradient norm, GPU and host memory of the ticked runs, and the focused run's events. */
export function TrainingCharts({ shown, focus, xAxis, logScale, smoothing }: TrainingChartsProps): ReactElement {
  const overlay = shown.length > 1;
  useEffect(() => {
    const ids = new Set(shown.map((run) => run.id));
    dropSeriesIndexes((key) => ids.has(key.split("|")[0] ?? ""));
  }, [shown.map((run) => run.id).join(",")]); // eslint-disable-line react-hooks/exhaustive-deps

  const lines = (name: string, options: { smooth?: boolean } = {}): ChartSeries[] =>
    shown.flatMap((run) => {
      const points = run.series[name];
      if (points === undefined || points.length === 0) return [];
      const weight = options.smooth ? smoothing : 0;
      // The clock (telemetry on a step axis) and tokens lookups depend on the run's logged steps.
      const index = seriesIndex(`${run.id}|${name}|${xAxis}|${run.createdAt}`, points, xMapping(run, xAxis), weight);
      return [
        {
          key: `${run.id}-${name}`,
          label: overlay ? run.name : name,
          colour: runColour(run.id),
          index,
          smoothed: weight > 0,
        },
      ];
    });
  const gpuLines: ChartSeries[] = shown.flatMap((run) => {
    const styles: [RegExp, string, boolean, string][] = [
      [/^gpu\d+\.memory_used_bytes$/, "device used", false, "#4daafc"],
      [/^cuda\d+\.reserved_bytes$/, "reserved", true, "#f0a35e"],
      [/^cuda\d+\.allocated_bytes$/, "allocated", false, "#73c991"],
    ];
    return styles.flatMap(([pattern, label, dashed, colour]) =>
      matchingSeries(run.series, pattern).map((name) => ({
        key: `${run.id}-${name}`,
        label: `${overlay ? `${run.name} ` : ""}${name.split(".")[0]} ${label}`,
        colour: overlay ? runColour(run.id) : colour,
        dashed,
        index: seriesIndex(
          `${run.id}|${name}|${xAxis}|${run.createdAt}`,
          run.series[name] ?? [],
          xMapping(run, xAxis),
          0,
        ),
      })),
    );
  });

  // While a run is live the x axis runs to its end (max_steps; on wall time, elapsed + ETA), so progress shows.
  const live = shown.filter((run) => LIVE.has(run.status));
  let xDomain: [number, number] | null = null;
  if (live.length > 0 && xAxis === "step") {
    const end = Math.max(...live.map((run) => run.maxSteps ?? 0));
    if (end > 0) xDomain = [0, end];
  } else if (live.length > 0 && xAxis === "time") {
    const end = Math.max(...live.map((run) => (Date.now() - run.createdAt) / 1000 + (run.etaS ?? 0)));
    if (end > 0) xDomain = [0, Math.ceil(end / 10) * 10];
  } else if (xAxis === "time") {
    xDomain = [0, 0];
  }

  const common = {
    xLabel: X_LABELS[xAxis],
    integerX: xAxis === "step",
    xDomain,
    ...(X_FORMATS[xAxis] ? { formatX: X_FORMATS[xAxis] } : {}),
  };
  const finished = focus ? [...focus.events].reverse().find((event) => event.type === "finished") : undefined;
  const summary =
    finished && typeof finished.payload["summary"] === "object" && finished.payload["summary"] !== null
      ? (finished.payload["summary"] as Record<string, unknown>)
      : null;
  const notable = focus ? focus.events.filter((event) => event.type !== "log") : [];
  const lastLog = focus ? [...focus.events].reverse().find((event) => event.type === "log") : undefined;

  return (
    <div className="scroll charts" data-testid="training-charts">
      <MetricChart
        testId="chart-loss"
        title="Loss"
        series={lines("loss", { smooth: true })}
        logScale={logScale}
        emptyText="Waiting for the first logged step…"
        {...common}
      />
      <MetricChart
        testId="chart-eval-loss"
        title="Eval loss"
        series={lines("eval_loss")}
        logScale={logScale}
        emptyText="No evaluation yet (eval_every in the config sets how often)."
        {...common}
      />
      <MetricChart
        testId="chart-lr"
        title="Learning rate"
        series={lines("learning_rate")}
        logScale={logScale}
        emptyText="No learning-rate points yet."
        {...common}
      />
      <MetricChart
        testId="chart-grad-norm"
        title="Gradient norm"
        series={lines("grad_norm", { smooth: true })}
        logScale={logScale}
        emptyText="No gradient-norm points yet."
        {...common}
      />
      <div className="chart-card gpu-card-wrap">
        <div className="chart-title">GPU memory{focus ? ` — ${focus.name}` : ""}</div>
        <GpuPanel readings={focus ? gpuReadings(focus.series) : []} />
      </div>
      <MetricChart
        testId="chart-gpu-memory"
        title="GPU memory over time"
        series={gpuLines}
        logScale={false}
        formatY={formatBytes}
        emptyText="No GPU telemetry: this run's worker has no GPU (or NVML is unavailable)."
        {...common}
      />
      <MetricChart
        testId="chart-host-memory"
        title="Host memory (worker RSS)"
        series={lines("host.rss_bytes")}
        logScale={false}
        formatY={formatBytes}
        emptyText="No host memory samples yet."
        {...common}
      />
      {focus && focus.events.length > 0 ? (
        <div className="chart-card events-card" data-testid="training-events">
          <div className="chart-title">Events — {focus.name}</div>
          <div className="events-list">
            {lastLog ? <EventRow at={lastLog.at} type={lastLog.type} payload={lastLog.payload} /> : null}
            {notable
              .slice(-100)
              .reverse()
              .map((event, index) => (
                <EventRow key={index} at={event.at} type={event.type} payload={event.payload} />
              ))}
          </div>
          {summary !== null ? (
            <dl className="facts summary" data-testid="training-summary">
              {summaryRows(summary).map((row) => (
                <div key={row.key} className={`fact${row.value.length > 28 ? " wide" : ""}`}>
                  <dt>{row.label}</dt>
                  <dd className="mono selectable">{row.value}</dd>
                </div>
              ))}
            </dl>
          ) : null}
        </div>
      ) : null}
    </div>
  );
}

function EventRow({ at, type, payload }: { at: number; type: string; payload: Record<string, unknown> }): ReactElement {
  const line = eventLine(type, payload);
  return (
    <div className={`event-row tone-${line.tone}`} data-event-type={type}>
      <span className="mono muted">{new Date(at).toLocaleTimeString([], { hour12: false })}</span>
      <span className="event-icon" aria-label={type}>
        {line.icon}
      </span>
      <span className="selectable event-text">{line.text}</span>
    </div>
  );
}

// A metric chart whose series are drawn on a canvas, with recharts drawing the grid, axes and legend.
// Why a canvas: recharts renders each line as an SVG path through React, so every live update
// re-renders and re-lays-out the whole chart (24 ms at 100k points in bench/chart-render.ts). Here
// the recharts layer re-renders only when the axes change (zoom, a y range the data outgrows), and a
// live update redraws the canvas from per-pixel buckets of a SeriesIndex (docs/ui.md, "Charts").
import { memo, useCallback, useEffect, useLayoutEffect, useRef, useState } from "react";
import type { PointerEvent as ReactPointerEvent, ReactElement } from "react";
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, XAxis, YAxis, usePlotArea } from "recharts";
import { emptyBuckets, valueAt, type Buckets, type SeriesIndex } from "./series-index";

export interface ChartSeries {
  key: string;
  label: string;
  colour: string;
  index: SeriesIndex;
  /** Draw the EMA bold over a faint raw line and band. */
  smoothed?: boolean;
  dashed?: boolean;
}

export interface MetricChartProps {
  title: string;
  series: ChartSeries[];
  xLabel: string;
  logScale: boolean;
  formatY?: (value: number) => string;
  formatX?: (value: number) => string;
  /** Whole-number x ticks (steps). */
  integerX?: boolean;
  /** The x range to show when not zoomed, e.g. [0, max_steps] while a run is live; default: the data's. */
  xDomain?: [number, number] | null;
  /** Shown instead of the chart when there is nothing to draw. */
  emptyText: string;
  testId?: string;
  height?: number;
}

interface Plot {
  x: number;
  y: number;
  width: number;
  height: number;
}

const MARGIN = { top: 6, right: 14, bottom: 4, left: 0 };
/** Series with at most this many points in view get a marker on every point. */
const MARKER_LIMIT = 40;
const MIN_BRUSH_PX = 5;

export function compact(value: number): string {
  if (value === 0) return "0";
  const magnitude = Math.abs(value);
  if (magnitude >= 1e5 || magnitude < 1e-3) return value.toExponential(1);
  return Number(value.toPrecision(4)).toString();
}

/** Rounds [low, high] out to tick-friendly values, so the axes stay put while data moves inside them. */
export function niceDomain(low: number, high: number, log: boolean): [number, number] {
  if (log) {
    const lo = low > 0 ? 10 ** Math.floor(Math.log10(low)) : 1e-6;
    const hi = high > 0 ? 10 ** Math.ceil(Math.log10(high)) : 1;
    return hi > lo ? [lo, hi] : [lo, lo * 10];
  }
  if (low === high) {
    const pad = low === 0 ? 1 : Math.abs(low) * 0.1;
    return [low - pad, high + pad];
  }
  const raw = (high - low) / 4;
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((f) => f * power).find((s) => s >= raw) ?? 10 * power;
  return [Math.floor(low / step) * step, Math.ceil(high / step) * step];
}

/** value rounded up to a multiple of a 1-2-5 step of at least `step`. */
function roundUp(value: number, step: number): number {
  if (!(step > 0) || !Number.isFinite(value)) return value;
  const power = 10 ** Math.floor(Math.log10(step));
  const nice = [1, 2, 5, 10].map((f) => f * power).find((s) => s >= step) ?? 10 * power;
  return Math.ceil(value / nice) * nice;
}

export function MetricChart(props: MetricChartProps): ReactElement {
  const { series, logScale, integerX = false, xDomain = null, height = 190 } = props;
  const formatY = props.formatY ?? compact;
  const formatX = props.formatX ?? compact;
  const [zoom, setZoom] = useState<[number, number] | null>(null);
  const [plot, setPlot] = useState<Plot | null>(null);
  const [brush, setBrush] = useState<{ from: number; to: number } | null>(null);
  const [hover, setHover] = useState<{ px: number; py: number } | null>(null);
  const canvasRef = useRef<HTMLCanvasElement>(null);
  const bucketsRef = useRef(new Map<string, Buckets>());

  const drawn = series.filter((line) => line.index.length > 0);
  const version = drawn.reduce((sum, line) => sum + line.index.version, 0);

  // The x range: the zoom window, else the given domain (live runs), else the data's extent.
  let dataLow = Infinity;
  let dataHigh = -Infinity;
  for (const line of drawn) {
    const extent = line.index.extent();
    if (extent === null) continue;
    dataLow = Math.min(dataLow, extent[0]);
    dataHigh = Math.max(dataHigh, extent[1]);
  }
  // Without a given domain the right edge is rounded up a little, so a live series does not move the
  // axis (and re-render recharts) on every new point.
  const base: [number, number] =
    xDomain !== null
      ? [Math.min(xDomain[0], dataLow), Math.max(xDomain[1], dataHigh)]
      : [dataLow, roundUp(dataHigh, (dataHigh - dataLow) / 40)];
  if (base[0] === base[1]) base[1] = base[0] + 1;
  const view: [number, number] = zoom ?? base;

  let yLow = Infinity;
  let yHigh = -Infinity;
  for (const line of drawn) {
    const range = line.index.yRange(view[0], view[1]);
    if (range === null) continue;
    yLow = Math.min(yLow, logScale ? Math.max(range[0], Number.MIN_VALUE) : range[0]);
    yHigh = Math.max(yHigh, range[1]);
  }
  const yDomain = Number.isFinite(yLow) ? niceDomain(yLow, yHigh, logScale) : ([0, 1] as [number, number]);
  const legend = drawn.map((line) => `${line.label}\u0000${line.colour}\u0000${line.dashed ? 1 : 0}`).join("\u0001");

  const onPlot = useCallback((next: Plot) => {
    setPlot((current) =>
      current &&
      current.x === next.x &&
      current.y === next.y &&
      current.width === next.width &&
      current.height === next.height
        ? current
        : next,
    );
  }, []);

  // Draw the series layer: per pixel column, the min..max band, the line through each column's last
  // point (faint under an EMA), the EMA, markers for sparse series, and the last value.
  useLayoutEffect(() => {
    const canvas = canvasRef.current;
    if (canvas === null || plot === null) return;
    const ratio = window.devicePixelRatio || 1;
    const width = Math.max(1, Math.round(plot.width));
    const heightPx = Math.max(1, Math.round(plot.height));
    if (canvas.width !== width * ratio || canvas.height !== heightPx * ratio) {
      canvas.width = width * ratio;
      canvas.height = heightPx * ratio;
      canvas.style.width = `${width}px`;
      canvas.style.height = `${heightPx}px`;
    }
    const context = canvas.getContext("2d");
    if (context === null) return;
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.clearRect(0, 0, width, heightPx);
    const toX = (x: number): number => ((x - view[0]) / (view[1] - view[0])) * width;
    const [y0, y1] = yDomain;
    const toY = logScale
      ? (y: number): number =>
          heightPx -
          ((Math.log10(Math.max(y, Number.MIN_VALUE)) - Math.log10(y0)) / (Math.log10(y1) - Math.log10(y0))) * heightPx
      : (y: number): number => heightPx - ((y - y0) / (y1 - y0)) * heightPx;
    const columns = Math.max(1, Math.min(width, 2000));
    for (const line of drawn) {
      const previous = bucketsRef.current.get(line.key);
      const buckets = line.index.buckets(view[0], view[1], columns, previous ?? emptyBuckets(columns));
      bucketsRef.current.set(line.key, buckets);
      drawSeries(context, line, buckets, toX, toY, logScale, formatY);
    }
  }, [plot, version, view[0], view[1], yDomain[0], yDomain[1], logScale, legend]); // eslint-disable-line react-hooks/exhaustive-deps

  useEffect(() => setZoom(null), [xDomain === null, logScale]); // eslint-disable-line react-hooks/exhaustive-deps

  const pxToX = (px: number): number => (plot === null ? 0 : view[0] + (px / plot.width) * (view[1] - view[0]));
  const local = (event: ReactPointerEvent<HTMLDivElement>): { px: number; py: number } => {
    const rect = event.currentTarget.getBoundingClientRect();
    return { px: Math.max(0, Math.min(rect.width, event.clientX - rect.left)), py: event.clientY - rect.top };
  };
  const onPointerDown = (event: ReactPointerEvent<HTMLDivElement>): void => {
    if (event.button !== 0) return;
    event.currentTarget.setPointerCapture(event.pointerId);
    const { px } = local(event);
    setBrush({ from: px, to: px });
  };
  const onPointerMove = (event: ReactPointerEvent<HTMLDivElement>): void => {
    const point = local(event);
    setHover(point);
    if (brush !== null) setBrush({ ...brush, to: point.px });
  };
  const onPointerUp = (): void => {
    if (brush !== null && Math.abs(brush.to - brush.from) >= MIN_BRUSH_PX) {
      const a = pxToX(Math.min(brush.from, brush.to));
      const b = pxToX(Math.max(brush.from, brush.to));
      setZoom([a, b]);
    }
    setBrush(null);
  };

  const tooltip =
    hover !== null && plot !== null && brush === null ? tooltipRows(drawn, bucketsRef.current, pxToX(hover.px)) : [];

  return (
    <div className="chart-card" data-testid={props.testId}>
      <div className="chart-title">
        {props.title}
        {zoom !== null ? (
          <button
            type="button"
            className="chart-reset"
            onClick={() => setZoom(null)}
            data-testid={props.testId ? `${props.testId}-reset` : undefined}
            title="Show the whole run (or double-click the chart)"
          >
            zoomed {formatX(zoom[0])}–{formatX(zoom[1])} · reset
          </button>
        ) : null}
      </div>
      {drawn.length === 0 ? (
        <div className="chart-empty" style={{ height }}>
          {props.emptyText}
        </div>
      ) : (
        <div
          className="chart-body"
          style={{ height, position: "relative" }}
          data-zoomed={zoom !== null ? "true" : "false"}
          data-x-domain={`${view[0]},${view[1]}`}
        >
          <Axes
            xLow={view[0]}
            xHigh={view[1]}
            yLow={yDomain[0]}
            yHigh={yDomain[1]}
            logScale={logScale}
            integerX={integerX}
            formatX={formatX}
            formatY={formatY}
            legend={legend}
            xLabel={props.xLabel}
            height={height}
            onPlot={onPlot}
          />
          {plot !== null ? (
            <>
              <canvas
                ref={canvasRef}
                className="chart-canvas"
                style={{ position: "absolute", pointerEvents: "none", left: plot.x, top: plot.y }}
                data-testid={props.testId ? `${props.testId}-canvas` : undefined}
              />
              <div
                className="chart-overlay"
                style={{ position: "absolute", left: plot.x, top: plot.y, width: plot.width, height: plot.height }}
                onPointerDown={onPointerDown}
                onPointerMove={onPointerMove}
                onPointerUp={onPointerUp}
                onPointerLeave={() => setHover(null)}
                onDoubleClick={() => setZoom(null)}
                data-testid={props.testId ? `${props.testId}-plot` : undefined}
              >
                {brush !== null ? (
                  <div
                    className="chart-brush"
                    style={{ left: Math.min(brush.from, brush.to), width: Math.abs(brush.to - brush.from) }}
                  />
                ) : null}
                {tooltip.length > 0 && hover !== null ? (
                  <div
                    className="chart-tooltip"
                    style={
                      hover.px > plot.width / 2
                        ? { right: plot.width - hover.px + 10, top: 4 }
                        : { left: hover.px + 10, top: 4 }
                    }
                  >
                    <div className="muted">
                      {props.xLabel} {formatX(tooltip[0]?.x ?? 0)}
                    </div>
                    {tooltip.map((row) => (
                      <div key={row.key}>
                        <span className="swatch" style={{ background: row.colour }} />
                        {row.label}: <strong>{formatY(row.value)}</strong>
                      </div>
                    ))}
                  </div>
                ) : null}
                {hover !== null && brush === null ? (
                  <div className="chart-crosshair" style={{ left: hover.px }} />
                ) : null}
              </div>
            </>
          ) : null}
        </div>
      )}
    </div>
  );
}

interface AxesProps {
  // Numbers rather than arrays: memo compares props by identity.
  xLow: number;
  xHigh: number;
  yLow: number;
  yHigh: number;
  logScale: boolean;
  integerX: boolean;
  formatX: (value: number) => string;
  formatY: (value: number) => string;
  /** label, colour and dashed of each legend entry, joined (a string so memo compares it cheaply). */
  legend: string;
  xLabel: string;
  height: number;
  onPlot: (plot: Plot) => void;
}

/** The recharts layer: grid, axes and legend. Memoised: live updates that keep the axes do not re-render it. */
const Axes = memo(function Axes({
  xLow,
  xHigh,
  yLow,
  yHigh,
  logScale,
  integerX,
  formatX,
  formatY,
  legend,
  xLabel,
  height,
  onPlot,
}: AxesProps): ReactElement {
  const entries = legend === "" ? [] : legend.split("\u0001").map((entry) => entry.split("\u0000"));
  return (
    <ResponsiveContainer width="100%" height={height}>
      <LineChart margin={MARGIN} data={[]}>
        <CartesianGrid stroke="#2b2b2b" />
        <XAxis
          dataKey="x"
          type="number"
          domain={[xLow, xHigh]}
          allowDataOverflow
          allowDecimals={!integerX}
          stroke="#6e7681"
          fontSize={11}
          tickFormatter={(value: number) => formatX(value)}
          label={{ value: xLabel, position: "insideBottomRight", offset: -2, fill: "#6e7681", fontSize: 10 }}
        />
        <YAxis
          type="number"
          dataKey="y"
          scale={logScale ? "log" : "linear"}
          domain={[yLow, yHigh]}
          allowDataOverflow
          stroke="#6e7681"
          fontSize={11}
          width={58}
          tickFormatter={(value: number) => formatY(value)}
        />
        {entries.length > 1 ? <Legend wrapperStyle={{ fontSize: 11 }} /> : null}
        {entries.map(([label = "", colour = "", dashed]) => (
          <Line
            key={`${label}-${colour}`}
            data={[]}
            dataKey="y"
            name={label}
            stroke={colour}
            strokeDasharray={dashed === "1" ? "4 3" : undefined}
            dot={false}
            isAnimationActive={false}
          />
        ))}
        <PlotProbe onPlot={onPlot} />
      </LineChart>
    </ResponsiveContainer>
  );
});

/** Reports where recharts put the plot area, so the canvas lies exactly inside the axes. */
function PlotProbe({ onPlot }: { onPlot: (plot: Plot) => void }): null {
  const area = usePlotArea();
  useLayoutEffect(() => {
    if (area !== undefined && area.width > 0 && area.height > 0)
      onPlot({ x: area.x, y: area.y, width: area.width, height: area.height });
  }, [area?.x, area?.y, area?.width, area?.height, onPlot]); // eslint-disable-line react-hooks/exhaustive-deps
  return null;
}

function drawSeries(
  context: CanvasRenderingContext2D,
  line: ChartSeries,
  buckets: Buckets,
  toX: (x: number) => number,
  toY: (y: number) => number,
  logScale: boolean,
  formatY: (value: number) => string,
): void {
  const n = buckets.count;
  if (n === 0) return;
  const aggregated = buckets.points > n;
  const smoothed = line.smoothed === true && !Number.isNaN(valueAt(buckets.ema, 0));
  const visible = (y: number): boolean => !logScale || y > 0;
  context.strokeStyle = line.colour;
  context.fillStyle = line.colour;
  context.setLineDash(line.dashed ? [4, 3] : []);
  context.lineJoin = "round";

  if (aggregated) {
    // The band: every point of the column lies between its min and max, so spikes stay visible.
    context.globalAlpha = smoothed ? 0.14 : 0.22;
    context.beginPath();
    for (let i = 0; i < n; i += 1) {
      const x = toX(valueAt(buckets.x, i));
      const y = toY(valueAt(buckets.max, i));
      if (i === 0) context.moveTo(x, y);
      else context.lineTo(x, y);
    }
    for (let i = n - 1; i >= 0; i -= 1) context.lineTo(toX(valueAt(buckets.x, i)), toY(valueAt(buckets.min, i)));
    context.closePath();
    context.fill();
  }

  const polyline = (values: Float64Array, alpha: number, width: number): void => {
    context.globalAlpha = alpha;
    context.lineWidth = width;
    context.beginPath();
    let open = false;
    for (let i = 0; i < n; i += 1) {
      const value = valueAt(values, i);
      if (!visible(value)) {
        open = false;
        continue;
      }
      const x = toX(valueAt(buckets.x, i));
      const y = toY(value);
      if (open) context.lineTo(x, y);
      else context.moveTo(x, y);
      open = true;
    }
    context.stroke();
  };
  polyline(buckets.last, smoothed ? 0.3 : 1, smoothed ? 1 : 1.6);
  if (smoothed) polyline(buckets.ema, 1, 1.8);

  context.setLineDash([]);
  if (!aggregated && n <= MARKER_LIMIT) {
    // Sparse series (eval loss every N steps): a marker on each point, or a lone point would be invisible.
    context.globalAlpha = 1;
    for (let i = 0; i < n; i += 1) {
      if (!visible(valueAt(buckets.last, i))) continue;
      context.beginPath();
      context.arc(toX(valueAt(buckets.x, i)), toY(valueAt(buckets.last, i)), 2.6, 0, Math.PI * 2);
      context.fill();
    }
  }
  // The last value: a dot and its number, so the latest figure is readable without hovering.
  const lastY = smoothed ? valueAt(buckets.ema, n - 1) : valueAt(buckets.last, n - 1);
  if (visible(lastY)) {
    const x = toX(valueAt(buckets.x, n - 1));
    const y = toY(lastY);
    context.globalAlpha = 1;
    context.beginPath();
    context.arc(x, y, 3.2, 0, Math.PI * 2);
    context.fill();
    context.font = "10px sans-serif";
    const text = formatY(lastY);
    const textWidth = context.measureText(text).width;
    context.fillText(
      text,
      Math.max(2, Math.min(x + 5, context.canvas.width / (window.devicePixelRatio || 1) - textWidth - 2)),
      Math.max(10, y - 5),
    );
  }
  context.globalAlpha = 1;
}

interface TooltipRow {
  key: string;
  label: string;
  colour: string;
  x: number;
  value: number;
}

/** For each series, the drawn column nearest to x (its last point, or EMA when smoothed). */
function tooltipRows(lines: ChartSeries[], buckets: Map<string, Buckets>, x: number): TooltipRow[] {
  const rows: TooltipRow[] = [];
  for (const line of lines) {
    const drawn = buckets.get(line.key);
    if (drawn === undefined || drawn.count === 0) continue;
    let best = 0;
    let distance = Infinity;
    for (let i = 0; i < drawn.count; i += 1) {
      const d = Math.abs(valueAt(drawn.x, i) - x);
      if (d < distance) {
        distance = d;
        best = i;
      }
    }
    const ema = valueAt(drawn.ema, best);
    rows.push({
      key: line.key,
      label: line.label,
      colour: line.colour,
      x: valueAt(drawn.x, best),
      value: line.smoothed && !Number.isNaN(ema) ? ema : valueAt(drawn.last, best),
    });
  }
  return rows;
}

import { useEffect, useRef, useState } from "react";
import type { ReactElement } from "react";
import { finiteRange, formatCell, isNumericDtype, numericData, rampColour, rowsOf } from "./ndarray-math";
import type { NdarrayValue } from "./ndarray-math";

const MAX_TABLE_ROWS = 200;

export function NdarrayView({ value }: { value: NdarrayValue }): ReactElement {
  const plottable =
    isNumericDtype(value.dtype) && (value.shape.length === 1 || value.shape.length === 2) && value.data.length > 1;
  const [mode, setMode] = useState<"table" | "plot">("table");
  const cut = value.data.length < value.size;
  return (
    <div className="ndarray" data-testid="ndarray">
      <div className="ndarray-head">
        <span className="type-tag">ndarray</span>
        <span className="mono">{value.dtype}</span>
        <span className="mono">
          ({value.shape.join(", ")}
          {value.shape.length === 1 ? "," : ""})
        </span>
        {cut ? (
          <span className="muted">
            showing {value.data.length.toLocaleString()} of {value.size.toLocaleString()} elements
          </span>
        ) : null}
        {plottable ? (
          <span className="seg">
            <button type="button" className={mode === "table" ? "on" : ""} onClick={() => setMode("table")}>
              Table
            </button>
            <button type="button" className={mode === "plot" ? "on" : ""} onClick={() => setMode("plot")}>
              {value.shape.length === 1 ? "Line plot" : "Heatmap"}
            </button>
          </span>
        ) : null}
      </div>
      {mode === "plot" && plottable ? (
        value.shape.length === 1 ? (
          <LinePlot values={numericData(value)} />
        ) : (
          <Heatmap value={value} />
        )
      ) : (
        <NdarrayTable value={value} />
      )}
    </div>
  );
}

function NdarrayTable({ value }: { value: NdarrayValue }): ReactElement {
  if (value.shape.length === 0) return <pre className="mono">{formatCell(value.data[0] ?? "")}</pre>;
  if (value.shape.length > 2) {
    return (
      <pre className="mono selectable">
        {value.data.map(formatCell).join(", ")}
        {value.data.length < value.size ? ", …" : ""}
      </pre>
    );
  }
  const rows = value.shape.length === 1 ? value.data.map((item) => [item]) : rowsOf(value.data, value.shape);
  const columns = value.shape.length === 1 ? 1 : (value.shape[1] ?? 0);
  const shown = rows.slice(0, MAX_TABLE_ROWS);
  return (
    <div className="ndarray-table">
      <table className="grid" data-testid="ndarray-table">
        <thead>
          <tr>
            <th />
            {Array.from({ length: columns }, (_, column) => (
              <th key={column} className="num">
                {value.shape.length === 1 ? "value" : column}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {shown.map((row, rowIndex) => (
            <tr key={rowIndex}>
              <th className="num">{rowIndex}</th>
              {row.map((item, column) => (
                <td key={column} className="num">
                  {formatCell(item)}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
      </table>
      {rows.length > shown.length ? <div className="muted">… {rows.length - shown.length} more rows</div> : null}
    </div>
  );
}

function LinePlot({ values }: { values: number[] }): ReactElement {
  const width = 480;
  const height = 160;
  const range = finiteRange(values) ?? { min: 0, max: 1 };
  const labels = { max: formatCell(range.max), min: formatCell(range.min) };
  // The left margin fits the longer y label (at 10 px, about 6.2 px a character): 0.99915 must not show as "9915".
  const pad = Math.max(28, Math.ceil(Math.max(labels.max.length, labels.min.length) * 6.2) + 8);
  const span = range.max - range.min || 1;
  const x = (index: number): number => pad + (index / Math.max(1, values.length - 1)) * (width - pad - 8);
  const y = (value: number): number => 8 + (1 - (value - range.min) / span) * (height - 8 - 20);
  const path = values
    .map((value, index) => (Number.isFinite(value) ? `${x(index).toFixed(1)},${y(value).toFixed(1)}` : null))
    .filter(Boolean)
    .join(" ");
  return (
    <svg className="line-plot" width={width} height={height} role="img" aria-label="Line plot">
      <line x1={pad} x2={width - 8} y1={height - 20} y2={height - 20} stroke="#3c3c3c" />
      <line x1={pad} x2={pad} y1={8} y2={height - 20} stroke="#3c3c3c" />
      <text x={pad - 4} y={12} textAnchor="end" fill="#9d9d9d" fontSize="10">
        {labels.max}
      </text>
      <text x={pad - 4} y={height - 20} textAnchor="end" fill="#9d9d9d" fontSize="10">
        {labels.min}
      </text>
      <text x={pad} y={height - 6} fill="#9d9d9d" fontSize="10">
        0
      </text>
      <text x={width - 8} y={height - 6} textAnchor="end" fill="#9d9d9d" fontSize="10">
        {values.length - 1}
      </text>
      <polyline points={path} fill="none" stroke="#4daafc" strokeWidth="1.5" />
    </svg>
  );
}

function Heatmap({ value }: { value: NdarrayValue }): ReactElement {
  const canvas = useRef<HTMLCanvasElement>(null);
  const rows = rowsOf(numericData(value), value.shape);
  const columns = value.shape[1] ?? 1;
  const range = finiteRange(numericData(value)) ?? { min: 0, max: 1 };
  const cell = Math.max(2, Math.min(28, Math.floor(420 / Math.max(columns, rows.length))));
  useEffect(() => {
    const context = canvas.current?.getContext("2d");
    if (!context) return;
    const span = range.max - range.min || 1;
    rows.forEach((row, rowIndex) =>
      row.forEach((item, column) => {
        context.fillStyle = rampColour((item - range.min) / span);
        context.fillRect(column * cell, rowIndex * cell, cell, cell);
      }),
    );
  });
  return (
    <div className="heatmap">
      <canvas ref={canvas} width={columns * cell} height={rows.length * cell} aria-label="Heatmap" />
      <div className="legend">
        <span className="mono">{formatCell(range.min)}</span>
        <span className="ramp" />
        <span className="mono">{formatCell(range.max)}</span>
      </div>
    </div>
  );
}

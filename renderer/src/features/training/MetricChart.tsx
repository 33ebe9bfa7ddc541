import type { ReactElement } from "react";
import { CartesianGrid, Legend, Line, LineChart, ResponsiveContainer, Tooltip, XAxis, YAxis } from "recharts";
import type { Point } from "../../api";

export interface ChartLine {
  key: string;
  label: string;
  colour: string;
  points: Point[];
  /** Raw series under a smoothed one: drawn thin and faded. */
  faded?: boolean;
  dashed?: boolean;
}

export interface MetricChartProps {
  title: string;
  lines: ChartLine[];
  xLabel: string;
  logScale: boolean;
  formatY?: (value: number) => string;
  /** Shown instead of the chart when there is nothing to draw. */
  emptyText: string;
  testId?: string;
}

function compact(value: number): string {
  if (value === 0) return "0";
  const magnitude = Math.abs(value);
  if (magnitude >= 1e4 || magnitude < 1e-3) return value.toExponential(1);
  return Number(value.toPrecision(3)).toString();
}

export function MetricChart({ title, lines, xLabel, logScale, formatY = compact, emptyText, testId }: MetricChartProps): ReactElement {
  const drawn = lines.filter((line) => line.points.length > 0);
  return (
    <div className="chart-card" data-testid={testId}>
      <div className="chart-title">{title}</div>
      {drawn.length === 0 ? (
        <div className="chart-empty">{emptyText}</div>
      ) : (
        <ResponsiveContainer width="100%" height={190}>
          <LineChart margin={{ top: 6, right: 12, bottom: 4, left: 0 }}>
            <CartesianGrid stroke="#2b2b2b" />
            <XAxis dataKey="x" type="number" domain={["dataMin", "dataMax"]} allowDuplicatedCategory={false} stroke="#6e7681" fontSize={11} tickFormatter={compact} label={{ value: xLabel, position: "insideBottomRight", offset: -2, fill: "#6e7681", fontSize: 10 }} />
            <YAxis type="number" scale={logScale ? "log" : "auto"} domain={["auto", "auto"]} allowDataOverflow={logScale} stroke="#6e7681" fontSize={11} width={58} tickFormatter={formatY} />
            <Tooltip
              contentStyle={{ background: "#252526", border: "1px solid #3c3c3c", fontSize: 12 }}
              labelFormatter={(label) => `${xLabel} ${compact(Number(label))}`}
              formatter={(value) => (typeof value === "number" ? formatY(value) : String(value))}
            />
            {drawn.length > 1 ? <Legend wrapperStyle={{ fontSize: 11 }} /> : null}
            {drawn.map((line) => (
              <Line
                key={line.key}
                data={line.points}
                dataKey="y"
                name={line.label}
                stroke={line.colour}
                strokeOpacity={line.faded ? 0.3 : 1}
                strokeWidth={line.faded ? 1 : 1.8}
                strokeDasharray={line.dashed ? "4 3" : undefined}
                dot={false}
                isAnimationActive={false}
                legendType={line.faded ? "none" : "line"}
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      )}
    </div>
  );
}

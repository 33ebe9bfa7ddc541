// Pure helpers for showing ndarrays: numeric views of the (possibly cut) data and a colour map.
import type { RichValue } from "../../api";

export type NdarrayValue = Extract<RichValue, { kind: "ndarray" }>;

/** The array's elements as numbers (booleans as 0/1, unparsable strings as NaN). */
export function numericData(array: NdarrayValue): number[] {
  return array.data.map((item) =>
    typeof item === "number" ? item : typeof item === "boolean" ? Number(item) : Number.parseFloat(item),
  );
}

export function isNumericDtype(dtype: string): boolean {
  return /^(u?int|float|bool|complex)/.test(dtype.replace(/^[<>=|]/, "")) || /^[<>=|]?[iufb]\d/.test(dtype);
}

/** Rows of a 2-D array from its C-order flat data (only the rows the data covers). */
export function rowsOf<T>(data: T[], shape: number[]): T[][] {
  const columns = shape[1] ?? 1;
  const rows: T[][] = [];
  for (let start = 0; start < data.length; start += columns) rows.push(data.slice(start, start + columns));
  return rows;
}

export function finiteRange(values: number[]): { min: number; max: number } | null {
  let min = Infinity;
  let max = -Infinity;
  for (const value of values) {
    if (!Number.isFinite(value)) continue;
    if (value < min) min = value;
    if (value > max) max = value;
  }
  return min <= max ? { min, max } : null;
}

// A perceptually ordered dark-blue → teal → yellow ramp (stops chosen by eye, viridis-like).
const STOPS: [number, number, number][] = [
  [68, 1, 84],
  [59, 82, 139],
  [33, 145, 140],
  [94, 201, 98],
  [253, 231, 37],
];

/** Colour for t in [0, 1] on the ramp; NaN gets neutral grey. */
export function rampColour(t: number): string {
  if (!Number.isFinite(t)) return "rgb(80,80,80)";
  const clamped = Math.min(1, Math.max(0, t));
  const position = clamped * (STOPS.length - 1);
  const index = Math.min(STOPS.length - 2, Math.floor(position));
  const local = position - index;
  const from = STOPS[index] as [number, number, number];
  const to = STOPS[index + 1] as [number, number, number];
  const channel = (k: 0 | 1 | 2): number => Math.round(from[k] + (to[k] - from[k]) * local);
  return `rgb(${channel(0)},${channel(1)},${channel(2)})`;
}

/** Compact number text for table cells: integers as-is, floats to 6 significant digits. */
export function formatCell(item: number | string | boolean): string {
  if (typeof item === "boolean") return item ? "True" : "False";
  if (typeof item === "string") return item;
  if (Number.isInteger(item)) return String(item);
  if (!Number.isFinite(item)) return Number.isNaN(item) ? "nan" : item > 0 ? "inf" : "-inf";
  return Number(item.toPrecision(6)).toString();
}

// Python values and errors in a JSON-safe form for display (ndarrays, handles, big ints survive).

export type RichValue =
  | { kind: "null" }
  | { kind: "bool"; value: boolean }
  /** Exact decimal digits: Python ints are unbounded. */
  | { kind: "int"; value: string }
  /** Non-finite floats as "NaN", "Infinity", "-Infinity". */
  | { kind: "float"; value: number | "NaN" | "Infinity" | "-Infinity" }
  | { kind: "str"; value: string }
  | { kind: "bytes"; base64: string; length: number }
  | { kind: "complex"; real: number; imag: number }
  | { kind: "list" | "tuple" | "set"; items: RichValue[]; total: number }
  | { kind: "dict"; entries: [RichValue, RichValue][]; total: number }
  /** Flat C-order data, cut to at most `data.length` of `size` elements. */
  | { kind: "ndarray"; dtype: string; shape: number[]; size: number; data: (number | string | boolean)[] }
  | { kind: "handle"; id: string; pythonType: string; repr: string; workerId: string };

export type ErrorClassificationView =
  | "import_error"
  | "attribute_error"
  | "type_error"
  | "value_error"
  | "key_error"
  | "index_error"
  | "runtime_error"
  | "serialization_error"
  | "not_found"
  | "timeout"
  | "cancelled"
  | "worker_crashed"
  | "out_of_memory"
  | "pool_saturated"
  | "not_allowed"
  | "internal";

/** A Python exception (or bridge failure) for display. */
export interface PythonErrorView {
  type: string;
  module: string;
  message: string;
  traceback: string;
  classification: ErrorClassificationView;
}

/** A page of a DataFrame: the first rows and columns, with the totals. */
export interface TableView {
  columns: string[];
  index: string[];
  rows: (string | number | boolean | null)[][];
  totalRows: number;
  totalColumns: number;
  dtypes: string[];
}

/** MIME type → content; images are base64, the table is a TableView. */
export interface DisplayBundle {
  "text/plain"?: string;
  "text/html"?: string;
  "text/markdown"?: string;
  "image/png"?: string;
  "image/svg+xml"?: string;
  "application/vnd.snakebridge.table+json"?: TableView;
}

/** One output of a notebook cell or console input. */
export type CellOutput =
  | { type: "stream"; stream: "stdout" | "stderr"; text: string }
  | { type: "result"; executionCount: number; value: RichValue | null; repr: string }
  | { type: "error"; error: PythonErrorView }
  /** A rich display (display(), _repr_html_, figures, DataFrames): a MIME bundle, e.g. {"text/html": "...", "text/plain": "..."}. */
  | { type: "display"; data: DisplayBundle }
  /** Output the host did not keep (a cell printed more than its budget): how much was dropped here. */
  | { type: "truncated"; lines: number; chars: number }
  /** TypeScript cells: compile errors from the type checker. */
  | { type: "diagnostics"; diagnostics: { line: number; column: number; message: string }[] };

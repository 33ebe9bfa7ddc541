import { useState } from "react";
import type { ReactElement } from "react";
import type { DisplayBundle, TableView } from "../../api";
import { Markdown } from "./Markdown";

const TABLE_MIME = "application/vnd.snakebridge.table+json";
const PAGE_ROWS = 20;

/** UTF-8 text as base64 (btoa alone takes Latin-1 only). */
function base64Of(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  return btoa(binary);
}

/** A first guess at the height HTML needs: the frame is cross-origin to the page, so it cannot be measured. */
function htmlHeight(html: string): number {
  const rows = (html.match(/<(tr|li|p|br|div|h\d)\b/gi) ?? []).length;
  return Math.min(600, Math.max(60, 24 + rows * 26));
}

/**
 * A display output (display(), _repr_*_, a figure, a DataFrame): its richest form the page can show.
 *
 * HTML from a cell is untrusted: it renders in an `<iframe sandbox srcdoc>` with no allow-same-origin and no
 * allow-scripts, so it has an opaque origin, runs no script, and cannot reach the page, its DOM or its token.
 */
export function DisplayView({ data }: { data: DisplayBundle }): ReactElement {
  const table = data[TABLE_MIME];
  if (table) return <TableDisplay table={table} />;
  if (data["image/png"])
    return (
      <img
        className="out-image"
        data-testid="out-image"
        alt={data["text/plain"] ?? "image"}
        src={`data:image/png;base64,${data["image/png"]}`}
      />
    );
  if (data["image/svg+xml"]) {
    // As an image, not inline markup: an SVG's scripts and links never run in the page.
    return (
      <img
        className="out-image"
        data-testid="out-image"
        alt={data["text/plain"] ?? "SVG image"}
        src={`data:image/svg+xml;base64,${base64Of(data["image/svg+xml"])}`}
      />
    );
  }
  if (data["text/html"] !== undefined) {
    return (
      <iframe
        className="out-html"
        data-testid="out-html"
        title="HTML output"
        sandbox=""
        referrerPolicy="no-referrer"
        // color-scheme as the page's: an iframe whose scheme differs from its page's gets an opaque white canvas
        // from Chrome, and the light default text on it was all but invisible.
        srcDoc={`<!doctype html><meta charset="utf-8"><style>:root{color-scheme:dark}body{margin:4px;font:13px system-ui,sans-serif;color:#ddd;background:transparent}table{border-collapse:collapse}td,th{border:1px solid #555;padding:2px 6px}</style>${data["text/html"]}`}
        style={{ height: htmlHeight(data["text/html"]) }}
      />
    );
  }
  if (data["text/markdown"] !== undefined) return <Markdown source={data["text/markdown"]} />;
  return (
    <pre className="mono selectable" data-testid="out-display-text">
      {data["text/plain"] ?? ""}
    </pre>
  );
}

function TableDisplay({ table }: { table: TableView }): ReactElement {
  const [page, setPage] = useState(0);
  const pages = Math.max(1, Math.ceil(table.rows.length / PAGE_ROWS));
  const first = page * PAGE_ROWS;
  const rows = table.rows.slice(first, first + PAGE_ROWS);
  return (
    <div className="out-table" data-testid="out-table">
      <div className="out-table-scroll">
        <table className="grid">
          <thead>
            <tr>
              <th />
              {table.columns.map((column, index) => (
                <th key={index} title={table.dtypes[index]}>
                  {column}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.map((row, index) => (
              <tr key={first + index}>
                <th className="muted">{table.index[first + index]}</th>
                {row.map((cell, column) => (
                  <td key={column} className={typeof cell === "number" ? "num" : undefined}>
                    {cell === null ? <span className="muted">NaN</span> : String(cell)}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="out-table-pager">
        <button
          type="button"
          className="icon-btn"
          disabled={page === 0}
          onClick={() => setPage(page - 1)}
          aria-label="Previous page"
        >
          ‹
        </button>
        <span data-testid="out-table-range">
          rows {table.rows.length ? first + 1 : 0}–{first + rows.length} of {table.totalRows.toLocaleString()}
          {table.totalColumns > table.columns.length
            ? ` · ${table.columns.length} of ${table.totalColumns} columns`
            : ""}
          {table.totalRows > table.rows.length ? ` · first ${table.rows.length.toLocaleString()} rows sent` : ""}
        </span>
        <button
          type="button"
          className="icon-btn"
          disabled={page >= pages - 1}
          onClick={() => setPage(page + 1)}
          aria-label="Next page"
        >
          ›
        </button>
      </div>
    </div>
  );
}

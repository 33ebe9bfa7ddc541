import { memo, useMemo, useRef, useState } from "react";
import type { ReactElement } from "react";
import { MonacoEditor } from "../MonacoEditor";
import { hasAnsi, parseAnsi, stripAnsi } from "./ansi";

/** Up to this many lines show in full; longer output shows its first and last lines (like VS Code's cap). */
export const COLLAPSE_LINES = 60;
const EDGE_LINES = 20;
const LINE_HEIGHT = 18;
const VIEWPORT_LINES = 28;
const OVERSCAN = 20;

/** Counts "\n" without splitting (streams can be megabytes; this runs on every chunk). */
function countLines(text: string): number {
  let lines = 0;
  for (let at = text.indexOf("\n"); at !== -1; at = text.indexOf("\n", at + 1)) lines += 1;
  return text.endsWith("\n") || text === "" ? lines : lines + 1;
}

/** The first `n` lines of text (with their newlines). */
function headOf(text: string, n: number): string {
  let at = -1;
  for (let i = 0; i < n; i += 1) {
    at = text.indexOf("\n", at + 1);
    if (at === -1) return text;
  }
  return text.slice(0, at + 1);
}

/** The last `n` lines of text. */
function tailOf(text: string, n: number): string {
  let at = text.endsWith("\n") ? text.length - 1 : text.length;
  for (let i = 0; i < n; i += 1) {
    at = text.lastIndexOf("\n", at - 1);
    if (at === -1) return text;
  }
  return text.slice(at + 1);
}

/** Text with ANSI colours as spans (plain text stays one node). */
export const AnsiText = memo(function AnsiText({ text }: { text: string }): ReactElement {
  if (!hasAnsi(text)) return <>{text}</>;
  return (
    <>
      {parseAnsi(text).map((run, index) => (
        <span
          key={index}
          className={run.className || undefined}
          style={run.color || run.background ? { color: run.color, background: run.background } : undefined}
        >
          {run.text}
        </span>
      ))}
    </>
  );
});

function download(text: string, name: string): void {
  const url = URL.createObjectURL(new Blob([text], { type: "text/plain;charset=utf-8" }));
  const link = document.createElement("a");
  link.href = url;
  link.download = name;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

/** Printed text: short output in full; long output as its first and last lines, with show all / open in editor / save. */
export function StreamOutputView({ stream, text }: { stream: "stdout" | "stderr"; text: string }): ReactElement {
  const [mode, setMode] = useState<"edges" | "all" | "editor">("edges");
  const lines = useMemo(() => countLines(text), [text]);
  if (lines <= COLLAPSE_LINES) {
    return (
      <pre className={`out-stream ${stream}`} data-testid={`out-${stream}`}>
        <AnsiText text={text} />
      </pre>
    );
  }
  const hidden = lines - 2 * EDGE_LINES;
  const bar = (
    <div className="out-long-bar" data-testid="out-long-bar">
      <span className="muted">
        {mode === "edges"
          ? `… ${hidden.toLocaleString()} more lines (${lines.toLocaleString()} in all) …`
          : `${lines.toLocaleString()} lines`}
      </span>
      <span className="grow" />
      <button
        type="button"
        className="link-btn"
        onClick={() => setMode(mode === "all" ? "edges" : "all")}
        data-testid="out-show-all"
      >
        {mode === "all" ? "show first and last" : "show all"}
      </button>
      <button type="button" className="link-btn" onClick={() => setMode(mode === "editor" ? "edges" : "editor")}>
        {mode === "editor" ? "close editor" : "open in editor"}
      </button>
      <button type="button" className="link-btn" onClick={() => download(text, `output-${stream}.txt`)}>
        save
      </button>
    </div>
  );
  return (
    <div className={`out-long ${stream}`} data-testid={`out-${stream}`} data-lines={lines}>
      {mode === "edges" ? (
        <>
          <pre className={`out-stream ${stream}`}>
            <AnsiText text={headOf(text, EDGE_LINES)} />
          </pre>
          {bar}
          <pre className={`out-stream ${stream}`}>
            <AnsiText text={tailOf(text, EDGE_LINES)} />
          </pre>
        </>
      ) : mode === "all" ? (
        <>
          {bar}
          <VirtualLines text={text} stream={stream} />
        </>
      ) : (
        <>
          {bar}
          <div className="out-editor">
            <MonacoEditor value={stripAnsi(text)} language="plaintext" readOnly />
          </div>
        </>
      )}
    </div>
  );
}

/** Every line, rendering only the ones in view: a million lines scroll as smoothly as ten. */
function VirtualLines({ text, stream }: { text: string; stream: "stdout" | "stderr" }): ReactElement {
  const all = useMemo(() => (text.endsWith("\n") ? text.slice(0, -1) : text).split("\n"), [text]);
  const [top, setTop] = useState(0);
  const frame = useRef<number | null>(null);
  const first = Math.max(0, Math.floor(top / LINE_HEIGHT) - OVERSCAN);
  const last = Math.min(all.length, Math.ceil(top / LINE_HEIGHT) + VIEWPORT_LINES + OVERSCAN);
  return (
    <div
      className={`out-virtual ${stream}`}
      style={{ height: Math.min(all.length, VIEWPORT_LINES) * LINE_HEIGHT }}
      data-testid="out-virtual"
      onScroll={(event) => {
        const scrollTop = event.currentTarget.scrollTop;
        if (frame.current !== null) cancelAnimationFrame(frame.current);
        frame.current = requestAnimationFrame(() => setTop(scrollTop));
      }}
    >
      <div style={{ height: all.length * LINE_HEIGHT, position: "relative" }}>
        <pre
          className={`out-stream ${stream}`}
          style={{
            position: "absolute",
            top: first * LINE_HEIGHT,
            left: 0,
            right: 0,
            lineHeight: `${LINE_HEIGHT}px`,
            whiteSpace: "pre",
          }}
        >
          <AnsiText text={all.slice(first, last).join("\n")} />
        </pre>
      </div>
    </div>
  );
}

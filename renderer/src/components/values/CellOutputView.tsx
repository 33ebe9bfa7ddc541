import type { ReactElement } from "react";
import type { CellOutput } from "../../api";
import { DisplayView } from "./DisplayView";
import { PythonErrorBlock } from "./PythonErrorBlock";
import { RichValueView } from "./RichValueView";
import { StreamOutputView } from "./StreamOutputView";
import "./outputs.css";

export function CellOutputView({ output }: { output: CellOutput }): ReactElement {
  switch (output.type) {
    case "stream":
      return <StreamOutputView stream={output.stream} text={output.text} />;
    case "result":
      return (
        <div className="out-result" data-testid="out-result">
          {output.value ? <RichValueView value={output.value} /> : <pre className="mono selectable">{output.repr}</pre>}
        </div>
      );
    case "display":
      return (
        <div className="out-display" data-testid="out-display">
          <DisplayView data={output.data} />
        </div>
      );
    case "truncated":
      return (
        <div className="out-truncated" data-testid="out-truncated">
          … {output.lines.toLocaleString()} lines ({formatChars(output.chars)}) of output were not kept: the host keeps
          the first and the last of a cell's output …
        </div>
      );
    case "error":
      return <PythonErrorBlock error={output.error} />;
    case "diagnostics":
      return (
        <ul className="out-diagnostics" data-testid="out-diagnostics">
          {output.diagnostics.map((diagnostic, index) => (
            <li key={index}>
              <span className="mono muted">
                {diagnostic.line}:{diagnostic.column}
              </span>{" "}
              {diagnostic.message}
            </li>
          ))}
        </ul>
      );
  }
}

function formatChars(chars: number): string {
  return chars < 1024 * 1024 ? `${Math.round(chars / 1024)} KB` : `${(chars / 1024 / 1024).toFixed(1)} MB`;
}

/** Consecutive stream chunks of the same stream read better as one block. */
export function mergeStreams(outputs: CellOutput[]): CellOutput[] {
  const merged: CellOutput[] = [];
  for (const output of outputs) {
    const last = merged[merged.length - 1];
    if (output.type === "stream" && last?.type === "stream" && last.stream === output.stream) {
      merged[merged.length - 1] = { ...last, text: last.text + output.text };
    } else merged.push(output);
  }
  return merged;
}

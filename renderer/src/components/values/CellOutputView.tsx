import type { ReactElement } from "react";
import type { CellOutput } from "../../api";
import { PythonErrorBlock } from "./PythonErrorBlock";
import { RichValueView } from "./RichValueView";

export function CellOutputView({ output }: { output: CellOutput }): ReactElement {
  switch (output.type) {
    case "stream":
      return <pre className={`out-stream ${output.stream}`} data-testid={`out-${output.stream}`}>{output.text}</pre>;
    case "result":
      return (
        <div className="out-result" data-testid="out-result">
          {output.value ? <RichValueView value={output.value} /> : <pre className="mono selectable">{output.repr}</pre>}
        </div>
      );
    case "error":
      return <PythonErrorBlock error={output.error} />;
    case "diagnostics":
      return (
        <ul className="out-diagnostics" data-testid="out-diagnostics">
          {output.diagnostics.map((diagnostic, index) => (
            <li key={index}>
              <span className="mono muted">{diagnostic.line}:{diagnostic.column}</span> {diagnostic.message}
            </li>
          ))}
        </ul>
      );
  }
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

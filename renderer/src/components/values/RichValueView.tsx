import { useState } from "react";
import type { ReactElement } from "react";
import type { RichValue } from "../../api";
import { NdarrayView } from "./NdarrayView";

/** A Python value as the workbench shows it: scalars inline, containers as a tree, arrays as tables. */
export function RichValueView({ value, depth = 0 }: { value: RichValue; depth?: number }): ReactElement {
  switch (value.kind) {
    case "null":
      return <span className="v-null">None</span>;
    case "bool":
      return <span className="v-keyword">{value.value ? "True" : "False"}</span>;
    case "int":
      return <span className="v-number">{value.value}</span>;
    case "float":
      return (
        <span className="v-number">
          {typeof value.value === "number"
            ? String(value.value)
            : value.value === "NaN"
              ? "nan"
              : value.value === "Infinity"
                ? "inf"
                : "-inf"}
        </span>
      );
    case "complex":
      return (
        <span className="v-number">
          ({value.real}
          {value.imag < 0 ? "-" : "+"}
          {Math.abs(value.imag)}j)
        </span>
      );
    case "str":
      return <span className="v-string">{pythonStringLiteral(value.value)}</span>;
    case "bytes":
      return (
        <span className="v-string">
          bytes[{value.length}]{" "}
          <span className="muted">
            {value.base64.slice(0, 60)}
            {value.base64.length > 60 ? "…" : ""} (base64)
          </span>
        </span>
      );
    case "ndarray":
      return <NdarrayView value={value} />;
    case "handle":
      return <HandleView value={value} />;
    case "list":
    case "tuple":
    case "set":
    case "dict":
      return <ContainerView value={value} depth={depth} />;
  }
}

type ContainerValue = Extract<RichValue, { kind: "list" | "tuple" | "set" | "dict" }>;

function ContainerView({ value, depth }: { value: ContainerValue; depth: number }): ReactElement {
  // Open the first two levels: enough to see the shape, not so much that a big tree floods the cell.
  const [open, setOpen] = useState(depth < 2);
  const count = value.kind === "dict" ? value.entries.length : value.items.length;
  const brackets = { list: ["[", "]"], tuple: ["(", ")"], set: ["{", "}"], dict: ["{", "}"] }[value.kind];
  if (count === 0)
    return <span className="mono">{value.kind === "set" ? "set()" : `${brackets[0]}${brackets[1]}`}</span>;
  const hidden = value.total - count;
  return (
    <span className="tree">
      <button type="button" className="tree-toggle" onClick={() => setOpen(!open)} aria-expanded={open}>
        <span className="twisty">{open ? "▾" : "▸"}</span>
        <span className="type-tag">{value.kind}</span>
        <span className="muted">
          {value.total}{" "}
          {value.kind === "dict" ? (value.total === 1 ? "key" : "keys") : value.total === 1 ? "item" : "items"}
        </span>
      </button>
      {open ? (
        <ul className="tree-children">
          {value.kind === "dict"
            ? value.entries.map(([key, item], index) => (
                <li key={index}>
                  <span className="tree-key">
                    <RichValueView value={key} depth={depth + 1} />
                  </span>
                  <span className="muted">: </span>
                  <RichValueView value={item} depth={depth + 1} />
                </li>
              ))
            : value.items.map((item, index) => (
                <li key={index}>
                  <span className="tree-index">{index}</span>
                  <RichValueView value={item} depth={depth + 1} />
                </li>
              ))}
          {hidden > 0 ? <li className="muted">… {hidden} more not transferred</li> : null}
        </ul>
      ) : null}
    </span>
  );
}

function HandleView({ value }: { value: Extract<RichValue, { kind: "handle" }> }): ReactElement {
  const [open, setOpen] = useState(false);
  return (
    <span className="tree handle" data-testid="handle">
      <button
        type="button"
        className="tree-toggle"
        onClick={() => setOpen(!open)}
        aria-expanded={open}
        title="A live Python object held by a worker"
      >
        <span className="twisty">{open ? "▾" : "▸"}</span>
        <span className="type-tag">{value.pythonType}</span>
        <span className="mono">{value.repr.length > 120 ? `${value.repr.slice(0, 120)}…` : value.repr}</span>
      </button>
      {open ? (
        <table className="grid handle-details">
          <tbody>
            <tr>
              <th>type</th>
              <td className="mono">{value.pythonType}</td>
            </tr>
            <tr>
              <th>handle id</th>
              <td className="mono">{value.id}</td>
            </tr>
            <tr>
              <th>worker</th>
              <td className="mono">{value.workerId}</td>
            </tr>
            <tr>
              <th>repr</th>
              <td>
                <pre className="mono">{value.repr}</pre>
              </td>
            </tr>
          </tbody>
        </table>
      ) : null}
    </span>
  );
}

function pythonStringLiteral(text: string): string {
  const escaped = text.replace(/\\/g, "\\\\").replace(/\n/g, "\\n").replace(/\t/g, "\\t");
  return escaped.includes("'") && !escaped.includes('"') ? `"${escaped}"` : `'${escaped.replace(/'/g, "\\'")}'`;
}

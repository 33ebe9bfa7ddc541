// The host tools workers may call (bridge.tools.register): name, description and parameters, as tools.list() gives them.
import { useEffect, useState } from "react";
import type { ReactElement } from "react";
import type { ToolView } from "../../api";
import { errorMessage, workbench } from "../../client/workbench-client";

/** The parameter names of a tool's JSON Schema, required ones marked. */
function parameters(tool: ToolView): string {
  const properties = tool.inputSchema["properties"];
  const required = new Set(Array.isArray(tool.inputSchema["required"]) ? tool.inputSchema["required"].map(String) : []);
  if (properties === null || typeof properties !== "object") return "";
  return Object.entries(properties as Record<string, unknown>)
    .map(([name, spec]) => {
      const type =
        spec !== null && typeof spec === "object" && typeof (spec as Record<string, unknown>)["type"] === "string"
          ? `: ${String((spec as Record<string, unknown>)["type"])}`
          : "";
      return `${name}${required.has(name) ? "" : "?"}${type}`;
    })
    .join(", ");
}

/** A small table of the registered host tools, reloaded with the pool view. */
export function HostToolsSection({ reloadKey }: { reloadKey: unknown }): ReactElement {
  const [tools, setTools] = useState<ToolView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    const controller = new AbortController();
    workbench()
      .call("workers.tools", {}, controller.signal)
      .then(({ tools: listed }) => {
        setTools(listed);
        setError(null);
      })
      .catch((e: unknown) => {
        if (!controller.signal.aborted) setError(`Could not list the host tools: ${errorMessage(e)}`);
      });
    return () => controller.abort();
  }, [reloadKey]);
  return (
    <section className="host-tools" data-testid="host-tools">
      <div className="panel-title">
        Host tools{" "}
        <span className="muted" style={{ textTransform: "none" }}>
          &nbsp;· callable from Python:{" "}
          <span className="mono">from snakebridge_worker import tools; tools.name(…)</span>
        </span>
      </div>
      {error ? (
        <div className="muted small">{error}</div>
      ) : tools === null ? (
        <div className="muted small">loading…</div>
      ) : tools.length === 0 ? (
        <div className="muted small empty-small">
          No host tools registered. TypeScript code registers them with{" "}
          <span className="mono">bridge.tools.register(name, fn, {"{ description, parameters }"})</span>.
        </div>
      ) : (
        <table className="grid full">
          <thead>
            <tr>
              <th>Tool</th>
              <th>Parameters</th>
              <th>Description</th>
            </tr>
          </thead>
          <tbody>
            {tools.map((tool) => (
              <tr key={tool.name} data-testid="host-tool-row" data-name={tool.name}>
                <td className="mono">{tool.name}</td>
                <td className="mono muted">({parameters(tool)})</td>
                <td>{tool.description}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}

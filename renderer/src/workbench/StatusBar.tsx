import type { ReactElement } from "react";
import type { PoolView } from "../api";
import { useHostStore } from "../platform/host-store";
import { useShellStore } from "../platform/views";

/** "2/2 workers idle", "1/2 workers busy, 3 queued", "pool starting". */
export function describePool(pool: PoolView | null): { text: string; tone: "ok" | "busy" | "bad" | "idle" } {
  if (!pool) return { text: "pool unknown", tone: "idle" };
  const total = pool.workers.length;
  const count = (state: string): number => pool.workers.filter((worker) => worker.state === state).length;
  const queued = pool.queued > 0 ? `, ${pool.queued} queued` : "";
  if (total === 0) return { text: "no workers", tone: "bad" };
  if (count("crashed") > 0) return { text: `${count("crashed")}/${total} workers crashed${queued}`, tone: "bad" };
  if (count("busy") > 0) return { text: `${count("busy")}/${total} workers busy${queued}`, tone: "busy" };
  if (count("starting") > 0) return { text: `${count("starting")}/${total} workers starting`, tone: "busy" };
  return { text: `${count("idle")}/${total} workers idle${queued}`, tone: "ok" };
}

export function StatusBar(): ReactElement {
  const connection = useHostStore((state) => state.connection);
  const status = useHostStore((state) => state.status);
  const pool = useHostStore((state) => state.pool);
  const show = useShellStore((state) => state.show);
  const poolText = describePool(pool);
  const interpreter = status?.interpreter;
  // With a problem to fix (the host restarted with a new token) the page has stopped retrying.
  const stopped = useHostStore((state) => state.startupProblem !== null);
  const connectionText = {
    open: "Connected",
    connecting: "Connecting…",
    closed: stopped ? "Disconnected" : "Disconnected — retrying",
  }[connection];
  const transport = status ? (status.transport === "electron" ? "Electron" : "web") : "";
  return (
    <footer className={`status-bar${connection === "closed" ? " disconnected" : ""}`} data-testid="status-bar">
      <button
        type="button"
        className="status-item"
        title={interpreter ? interpreter.executable : "No interpreter yet"}
        onClick={() => show("console")}
      >
        <span>
          {interpreter
            ? `Python ${interpreter.version}`
            : status?.state === "failed"
              ? "Python unavailable"
              : "Python …"}
        </span>
      </button>
      <button
        type="button"
        className="status-item"
        data-testid="pool-status"
        title="Show workers (Ctrl+4)"
        onClick={() => show("workers")}
      >
        <span className={`dot ${poolText.tone}`} />
        <span>{poolText.text}</span>
      </button>
      {status?.state === "failed" ? (
        <span className="status-item" style={{ color: "var(--error)" }}>
          Host failed: {status.error}
        </span>
      ) : null}
      <span className="grow" />
      {status ? (
        <span className="status-item" title={status.workspaceDir}>
          {status.workspaceDir}
        </span>
      ) : null}
      <span
        className="status-item"
        data-testid="connection-status"
        title={transport ? `Transport: ${transport}` : undefined}
      >
        <span className={`dot ${connection === "open" ? "ok" : connection === "connecting" ? "busy" : "bad"}`} />
        {connectionText}
      </span>
      {status ? <span className="status-item">snakebridge {status.hostVersion}</span> : null}
    </footer>
  );
}

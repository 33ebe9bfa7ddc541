import { useEffect, useRef, useState } from "react";
import type { ReactElement } from "react";
import type { Terminal } from "@xterm/xterm";
import type { PoolGroupView, WorkerView } from "../../api";
import { ErrorBanner } from "../../components/EmptyState";
import { XtermView } from "../../components/XtermView";
import { useShallow } from "zustand/react/shallow";
import { formatBytes } from "../../base";
import { errorMessage, workbench } from "../../client/workbench-client";
import { useHostStore } from "../../platform/host-store";
import { Icon } from "../../platform/icons";
import { HostToolsSection } from "./HostToolsSection";
import { selectedWorker, useWorkersStore } from "./store";

function formatUptime(startedAt: number, now: number): string {
  const seconds = Math.max(0, Math.round((now - startedAt) / 1000));
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m ${seconds % 60}s`;
  return `${Math.floor(seconds / 3600)}h ${Math.floor((seconds % 3600) / 60)}m`;
}

const STATE_TONE: Record<WorkerView["state"], string> = {
  idle: "ok",
  busy: "busy",
  starting: "busy",
  stopping: "idle",
  crashed: "bad",
};

/** Workers by pool, in the host's pool order; one unnamed group when the host runs a single pool. */
function groupByPool(
  workers: WorkerView[],
  pools: PoolGroupView[] | undefined,
): { pool: PoolGroupView | null; workers: WorkerView[] }[] {
  if (!pools || pools.length < 2) return [{ pool: null, workers }];
  return pools.map((pool) => ({ pool, workers: workers.filter((w) => (w.pool ?? "default") === pool.name) }));
}

/** A pool's section header: its name, what runs there, and its counts. */
function PoolHeader({
  pool,
  workers,
  columns,
}: {
  pool: PoolGroupView;
  workers: WorkerView[];
  columns: number;
}): ReactElement {
  const busy = workers.filter((w) => w.state === "busy").length;
  const calls = workers.reduce((sum, w) => sum + w.callsTotal, 0);
  return (
    <tr className="pool-header" data-testid="pool-header" data-pool={pool.name}>
      <th colSpan={columns}>
        <span className="mono pool-name">{pool.name}</span>
        <span className="muted">
          {" "}
          · {pool.integrations.length ? `environment of ${pool.integrations.join(", ")}` : "workbench interpreter"}
        </span>
        <span className="muted" data-testid="pool-counts">
          {" "}
          · {workers.length} of {pool.size} workers · {busy} busy · {calls} calls · {pool.queued} queued
        </span>
        <span className="muted mono pool-python" title={pool.python}>
          {" "}
          · {pool.python}
        </span>
      </th>
    </tr>
  );
}

export function WorkersView(): ReactElement {
  const state = useWorkersStore(
    useShallow((s) => ({
      selectedId: s.selectedId,
      pending: s.pending,
      error: s.error,
      load: s.load,
      select: s.select,
      restart: s.restart,
      kill: s.kill,
    })),
  );
  const pool = useHostStore((s) => s.pool);
  const [now, setNow] = useState(Date.now());
  const terminal = useRef<Terminal | null>(null);
  const selected = selectedWorker(pool, state.selectedId);

  useEffect(() => {
    const store = useWorkersStore.getState();
    void store.load();
    const output = store.onSelectedOutput(({ stream, text }) =>
      terminal.current?.write(stream === "stderr" ? `\x1b[31m${text}\x1b[0m` : text),
    );
    const clock = setInterval(() => setNow(Date.now()), 1000);
    return () => {
      output.dispose();
      clearInterval(clock);
    };
  }, []);

  // A newly selected worker (or a restarted one with a new pid) gets its recent log replayed.
  const logKey = selected ? `${selected.id}:${selected.pid}` : null;
  useEffect(() => {
    const term = terminal.current;
    if (!term || !selected) return;
    const controller = new AbortController();
    term.reset();
    workbench()
      .call("workers.log", { workerId: selected.id }, controller.signal)
      .then(({ text }) => {
        term.write(
          text ||
            `\x1b[90m(worker ${selected.id} has printed nothing yet — print() from a notebook cell or the console shows up here)\x1b[0m\r\n`,
        );
      })
      .catch((error: unknown) => {
        if (!controller.signal.aborted)
          term.write(`\x1b[31mCould not read the log of ${selected.id}: ${errorMessage(error)}\x1b[0m\r\n`);
      });
    return () => controller.abort();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [logKey]);

  const workers = pool?.workers ?? [];
  // Workers that are Ray actors say which node they run on; local pools keep the narrower table.
  const onRay = workers.some((w) => w.node !== undefined);
  return (
    <div className="main-area">
      <div className="toolbar">
        <span className="title">Worker pool</span>
        <span className="hint">
          {pool
            ? `${workers.length} of ${pool.size} workers${onRay ? " on Ray" : ""}${pool.pools && pool.pools.length > 1 ? ` in ${pool.pools.length} pools` : ""} · ${pool.queued} queued calls`
            : "loading…"}
        </span>
        <span className="grow" />
        <button type="button" className="icon-btn" title="Reload" onClick={() => void state.load()}>
          <Icon name="refresh" /> Refresh
        </button>
      </div>
      <ErrorBanner message={state.error} onDismiss={() => useWorkersStore.setState({ error: null })} />
      <div className="workers-table scroll">
        <table className="grid full" data-testid="workers-table">
          <thead>
            <tr>
              <th>Worker</th>
              {onRay ? <th>Node</th> : null}
              <th className="num">PID</th>
              <th>State</th>
              <th className="num">Calls</th>
              <th className="num">In flight</th>
              <th className="num">Memory</th>
              <th className="num">Restarts</th>
              <th>Sessions</th>
              <th className="num">Uptime</th>
              <th>Last error</th>
              <th />
            </tr>
          </thead>
          {groupByPool(workers, pool?.pools).map((group) => (
            <tbody key={group.pool?.name ?? "pool"} data-testid="pool-group" data-pool={group.pool?.name ?? ""}>
              {group.pool ? <PoolHeader pool={group.pool} workers={group.workers} columns={onRay ? 12 : 11} /> : null}
              {group.workers.map((worker) => (
                <tr
                  key={worker.id}
                  className={worker.id === selected?.id ? "selected" : ""}
                  onClick={() => state.select(worker.id)}
                  data-testid="worker-row"
                  data-worker-id={worker.id}
                >
                  <td className="mono">
                    {worker.id}
                    <span className="muted"> · gen {worker.generation}</span>
                  </td>
                  {onRay ? (
                    <td className="mono" data-testid="worker-node">
                      {worker.node ?? "—"}
                    </td>
                  ) : null}
                  <td className="num" data-testid="worker-pid">
                    {worker.pid}
                  </td>
                  <td>
                    <span className={`dot ${STATE_TONE[worker.state]}`} />{" "}
                    <span data-testid="worker-state">{worker.state}</span>
                  </td>
                  <td className="num">{worker.callsTotal}</td>
                  <td className="num">{worker.inFlight}</td>
                  <td className="num">{formatBytes(worker.rssBytes)}</td>
                  <td className="num" data-testid="worker-restarts">
                    {worker.restarts}
                  </td>
                  <td className="mono" title={worker.sessions.join("\n")}>
                    {worker.sessions.length ? (
                      worker.sessions.length === 1 ? (
                        worker.sessions[0]
                      ) : (
                        `${worker.sessions.length} sessions`
                      )
                    ) : (
                      <span className="muted">—</span>
                    )}
                  </td>
                  <td className="num">{formatUptime(worker.startedAt, now)}</td>
                  <td className="last-error" title={worker.lastError ?? ""}>
                    {worker.lastError ?? ""}
                  </td>
                  <td className="actions">
                    <button
                      type="button"
                      className="icon-btn"
                      title="Restart gracefully: finish the running call, then start a fresh process"
                      disabled={Boolean(state.pending[worker.id])}
                      onClick={(event) => {
                        event.stopPropagation();
                        void state.restart(worker.id);
                      }}
                    >
                      <Icon name="restart" /> Restart
                    </button>
                    <button
                      type="button"
                      className="icon-btn danger-text"
                      title="Kill the process now (SIGKILL); the pool starts a replacement"
                      disabled={Boolean(state.pending[worker.id])}
                      onClick={(event) => {
                        event.stopPropagation();
                        void state.kill(worker.id);
                      }}
                    >
                      <Icon name="kill" /> Kill
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          ))}
        </table>
        {pool && workers.length === 0 ? (
          <div className="empty-small">
            The pool has no workers. Check the status bar for the host's error; the interpreter may have failed to
            start.
          </div>
        ) : null}
      </div>
      <HostToolsSection reloadKey={pool?.workers.length} />
      <div className="panel-title log-title">
        Output{" "}
        {selected ? (
          <span className="mono" style={{ textTransform: "none" }}>
            — {selected.id} (pid {selected.pid})
          </span>
        ) : null}
        <span className="grow" />
        <button
          type="button"
          className="icon-btn"
          title="Clear the view (the worker keeps its log)"
          onClick={() => terminal.current?.clear()}
        >
          <Icon name="trash" />
        </button>
      </div>
      <XtermView
        testId="worker-log"
        onReady={(term) => {
          terminal.current = term;
          term.options.disableStdin = true;
          return () => {
            terminal.current = null;
          };
        }}
      />
    </div>
  );
}

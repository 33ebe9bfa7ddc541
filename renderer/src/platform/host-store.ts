// What the status bar and every view share about the host: the connection, its status, and the worker pool.
// The pool is held here only: the Workers view and the status bar read this one copy.
import { create } from "zustand";
import type { HostStatus, PoolView } from "../api";
import { DisposableStore, type IDisposable } from "../base";
import { errorMessage, type WorkbenchClient } from "../client/workbench-client";
import type { ConnectionState } from "../transport";

interface HostState {
  connection: ConnectionState;
  status: HostStatus | null;
  pool: PoolView | null;
  statusError: string | null;
  /** A problem the user must fix: found before connecting, or later (the host restarted with a new token). */
  startupProblem: string | null;
  setStartupProblem(problem: string | null): void;
  setPool(pool: PoolView): void;
  /** Follows the host's connection, status and pool through `client` until disposed. */
  connect(client: WorkbenchClient): IDisposable;
}

export const useHostStore = create<HostState>((set) => ({
  connection: "connecting",
  status: null,
  pool: null,
  statusError: null,
  startupProblem: null,
  setStartupProblem: (startupProblem) => set({ startupProblem }),
  setPool: (pool) => set({ pool }),
  connect(client) {
    const refresh = (): void => {
      client
        .call("host.status", {})
        .then((status) => set({ status, pool: status.pool, statusError: null }))
        .catch((error: unknown) => set({ statusError: `Could not read the host status: ${errorMessage(error)}` }));
    };
    const subscriptions = new DisposableStore();
    subscriptions.add(
      client.onConnectionChange((connection) => {
        set({ connection });
        // Every (re)connection may be to a restarted host: read its status afresh.
        if (connection === "open") refresh();
      }),
    );
    subscriptions.add(client.on("host.status", (status) => set({ status, pool: status.pool })));
    subscriptions.add(client.on("pool.changed", (pool) => set({ pool })));
    return subscriptions;
  },
}));

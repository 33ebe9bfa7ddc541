// What the status bar shows: connection to the host, interpreter, pool state.
import { create } from "zustand";
import type { HostStatus, PoolView } from "../api";
import { errorMessage, workbench } from "../client/workbench-client";

interface HostState {
  connection: "connecting" | "open" | "closed";
  status: HostStatus | null;
  pool: PoolView | null;
  statusError: string | null;
  /** A problem the user must fix: found before connecting, or later (the host restarted with a new token). */
  startupProblem: string | null;
  start(startupProblem: string | null): () => void;
}

export const useHostStore = create<HostState>((set) => ({
  connection: "connecting",
  status: null,
  pool: null,
  statusError: null,
  startupProblem: null,
  start(startupProblem) {
    set({ startupProblem });
    const client = workbench();
    const refresh = (): void => {
      client
        .call("host.status", {})
        .then((status) => set({ status, pool: status.pool, statusError: null }))
        .catch((error: unknown) => set({ statusError: `Could not read the host status: ${errorMessage(error)}` }));
    };
    const stops = [
      client.onConnectionChange((connection) => {
        set({ connection });
        // Every (re)connection may be to a restarted host: read its status afresh.
        if (connection === "open") refresh();
      }),
      client.on("host.status", (status) => set({ status, pool: status.pool })),
      client.on("pool.changed", (pool) => set({ pool })),
    ];
    return () => stops.forEach((stop) => stop());
  },
}));

// The Workers view's own state: which worker is selected, which actions are in flight, the last error, and
// the selected worker's live output. The pool itself lives once, in the host store (platform/host-store).
import { create } from "zustand";
import type { PoolView, WorkerView } from "../../api";
import { Emitter, type Event, type IDisposable } from "../../base";
import { errorMessage, workbench, type WorkbenchClient } from "../../client/workbench-client";
import { useHostStore } from "../../platform/host-store";

export interface WorkerOutput {
  stream: "stdout" | "stderr";
  text: string;
}

interface WorkersState {
  /** The worker the user picked; `selectedWorker` falls back to the first when it is gone. */
  selectedId: string | null;
  pending: Record<string, "restart" | "kill">;
  error: string | null;
  load(): Promise<void>;
  select(workerId: string): void;
  restart(workerId: string): Promise<void>;
  kill(workerId: string): Promise<void>;
  /** Output of the selected worker, as it is printed. */
  onSelectedOutput: Event<WorkerOutput>;
  /** Forwards the selected worker's output (the "worker.output" event) until disposed. */
  connect(client: WorkbenchClient): IDisposable;
}

/** The selected worker if it still exists, else the first one, so the log is never blank. */
export function selectedWorker(pool: PoolView | null, selectedId: string | null): WorkerView | null {
  const workers = pool?.workers ?? [];
  return workers.find((worker) => worker.id === selectedId) ?? workers[0] ?? null;
}

export const useWorkersStore = create<WorkersState>((set, get) => {
  const output = new Emitter<WorkerOutput>("worker.output");
  const act = async (workerId: string, action: "restart" | "kill"): Promise<void> => {
    set((state) => ({ pending: { ...state.pending, [workerId]: action }, error: null }));
    try {
      if (action === "restart") await workbench().call("workers.restart", { workerId });
      else await workbench().call("workers.kill", { workerId });
    } catch (error) {
      set({ error: `Could not ${action} worker ${workerId}: ${errorMessage(error)}` });
    } finally {
      set((state) => {
        const pending = { ...state.pending };
        delete pending[workerId];
        return { pending };
      });
    }
  };
  return {
    selectedId: null,
    pending: {},
    error: null,
    async load() {
      try {
        useHostStore.getState().setPool(await workbench().call("workers.list", {}));
      } catch (error) {
        set({ error: `Could not read the worker pool: ${errorMessage(error)}` });
      }
    },
    select: (selectedId) => set({ selectedId }),
    restart: (workerId) => act(workerId, "restart"),
    kill: (workerId) => act(workerId, "kill"),
    onSelectedOutput: output.event,
    connect(client) {
      return client.on("worker.output", ({ workerId, stream, text }) => {
        if (workerId === selectedWorker(useHostStore.getState().pool, get().selectedId)?.id)
          output.fire({ stream, text });
      });
    },
  };
});

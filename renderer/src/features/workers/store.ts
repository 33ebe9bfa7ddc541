import { create } from "zustand";
import type { PoolView } from "../../api";
import { errorMessage, workbench } from "../../client/workbench-client";

interface WorkersState {
  pool: PoolView | null;
  selectedId: string | null;
  pending: Record<string, "restart" | "kill">;
  error: string | null;
  load(): Promise<void>;
  setPool(pool: PoolView): void;
  select(workerId: string): void;
  restart(workerId: string): Promise<void>;
  kill(workerId: string): Promise<void>;
}

export const useWorkersStore = create<WorkersState>((set, get) => {
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
    pool: null,
    selectedId: null,
    pending: {},
    error: null,
    async load() {
      try {
        get().setPool(await workbench().call("workers.list", {}));
      } catch (error) {
        set({ error: `Could not read the worker pool: ${errorMessage(error)}` });
      }
    },
    setPool(pool) {
      // Keep the selection on a worker that still exists, else the first one, so the log is never blank.
      const selectedId = pool.workers.some((worker) => worker.id === get().selectedId)
        ? get().selectedId
        : (pool.workers[0]?.id ?? null);
      set({ pool, selectedId });
    },
    select: (selectedId) => set({ selectedId }),
    restart: (workerId) => act(workerId, "restart"),
    kill: (workerId) => act(workerId, "kill"),
  };
});

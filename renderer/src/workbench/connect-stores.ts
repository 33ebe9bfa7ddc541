// The workbench connects every store that follows host events to the page's client, once: the one place
// event subscriptions start, and one disposable that ends them all (page teardown, hot reload).
import { DisposableStore, type IDisposable } from "../base";
import type { WorkbenchClient } from "../client/workbench-client";
import { useNotebookStore } from "../features/notebook/store";
import { useTrainingStore } from "../features/training/store";
import { useWorkersStore } from "../features/workers/store";
import { useHostStore } from "../platform/host-store";

/** Connects the host, workers, notebook and training stores to `client` until the result is disposed. */
export function connectStores(client: WorkbenchClient): IDisposable {
  const connections = new DisposableStore();
  connections.add(useHostStore.getState().connect(client));
  connections.add(useWorkersStore.getState().connect(client));
  connections.add(useNotebookStore.getState().connect(client));
  connections.add(useTrainingStore.getState().connect(client));
  return connections;
}

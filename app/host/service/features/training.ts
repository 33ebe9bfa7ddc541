// training.*: delegated to app/training's RunManager; runs persist in the shared run store.
import { parse as parseYaml } from "yaml";
import type { PythonBridge } from "../../../bridge/index.js";
import { RunManager } from "../../../training/run-manager.js";
import { RUN_CONFIG_SCHEMA, RunConfigError } from "../../../training/run-config.js";
import { RunNotFoundError, RunStore } from "../../../training/run-store.js";
import { RequestError } from "../api-errors.js";
import type { EventHub } from "../event-hub.js";
import type { HandlerTable } from "../request-handler.js";
import type { WorkspaceFolder } from "../workspace-folder.js";

/** The run-config schema (needs no Python). */
export function trainingSchemaHandler(): HandlerTable<"training.schema"> {
  return { "training.schema": async () => ({ schema: RUN_CONFIG_SCHEMA }) };
}

/** Owns the run store and the run manager; forwards run events to the clients. */
export class TrainingFeature {
  readonly #store: RunStore;
  readonly #manager: RunManager;
  readonly #unsubscribe: (() => void)[];

  constructor(bridge: PythonBridge, private readonly workspace: WorkspaceFolder, events: EventHub, storePath: string) {
    this.#store = RunStore.open(storePath);
    this.#manager = new RunManager({ bridge, store: this.#store });
    this.#unsubscribe = [
      this.#manager.onUpdate((payload) => events.emit("training.updated", payload)),
      this.#manager.onPoints((payload) => events.emit("training.points", payload)),
      this.#manager.onEvent((payload) => events.emit("training.event", payload)),
      this.#manager.onWarning((warning) => console.error(`snakebridge host: run ${warning.runId}: ${warning.message}`, warning.error)),
    ];
  }

  /** The training request handlers. */
  handlers(): HandlerTable<"training.start" | "training.stop" | "training.runs" | "training.run"> {
    return {
      "training.start": async ({ configText, name }) => {
        let config: unknown;
        try {
          config = parseYaml(configText);
        } catch (error) {
          throw new RequestError("bad_request", `the run config is not valid YAML or JSON: ${(error as Error).message}`);
        }
        try {
          return await this.#manager.start({ config, configText, configDir: this.workspace.root, ...(name === undefined ? {} : { name }) });
        } catch (error) {
          if (error instanceof RunConfigError) throw new RequestError("bad_request", error.message);
          throw error;
        }
      },
      "training.stop": ({ runId }) => this.#known(() => this.#manager.stop(runId)),
      "training.runs": async () => this.#manager.list(),
      "training.run": ({ runId }) => this.#known(async () => this.#manager.detail(runId)),
    };
  }

  async #known<T>(action: () => Promise<T>): Promise<T> {
    try {
      return await action();
    } catch (error) {
      if (error instanceof RunNotFoundError) throw new RequestError("not_found", error.message);
      throw error;
    }
  }

  /** Stops live runs (graceful, then hard), then closes the store. */
  async dispose(): Promise<void> {
    for (const unsubscribe of this.#unsubscribe.splice(0)) unsubscribe();
    try {
      await this.#manager.dispose();
    } finally {
      this.#store.close();
    }
  }
}

// training.*: delegated to app/training's RunManager; runs persist in the shared run store.
import { dirname, isAbsolute, join, resolve } from "node:path";

import { parse as parseYaml } from "yaml";
import type { TrainingEnvironmentView } from "../../../api/workbench-api.js";
import { DisposableStore } from "../../../base/index.js";
import type { PythonBridge } from "../../../bridge/index.js";
import { exportRunModel, runDirectory } from "../../../training/model-export.js";
import { RunManager, RunResumeError } from "../../../training/run-manager.js";
import { RUN_CONFIG_SCHEMA, RunConfigError } from "../../../training/run-config.js";
import { DEFAULT_OUTPUT_PARENT } from "../../../training/run-config-paths.js";
import { RunNotFoundError, RunStore } from "../../../training/run-store.js";
import { RequestError } from "../api-errors.js";
import type { EventHub } from "../event-hub.js";
import type { HandlerTable } from "../request-handler.js";
import type { WorkspaceFolder } from "../workspace-folder.js";
import { datasetPreview } from "./training-dataset-preview.js";
import { installCommand, TrainingExtraInstaller } from "./training-install.js";

type TrainingRequests =
  | "training.start"
  | "training.stop"
  | "training.runs"
  | "training.run"
  | "training.resume"
  | "training.export"
  | "training.preview"
  | "training.environment"
  | "training.install"
  | "training.memorySnapshot"
  | "training.generate";

/** The run-config schema (needs no Python). */
export function trainingSchemaHandler(): HandlerTable<"training.schema"> {
  return { "training.schema": async () => ({ schema: RUN_CONFIG_SCHEMA }) };
}

/** Owns the run store and the run manager; forwards run events to the clients. */
export class TrainingFeature {
  readonly #store: RunStore;
  readonly #manager: RunManager;
  readonly #installer: TrainingExtraInstaller;
  readonly #subscriptions = new DisposableStore();
  readonly #bridge: PythonBridge;
  readonly #workspace: WorkspaceFolder;

  constructor(bridge: PythonBridge, workspace: WorkspaceFolder, events: EventHub, storePath: string) {
    this.#bridge = bridge;
    this.#workspace = workspace;
    this.#store = RunStore.open(storePath);
    this.#manager = new RunManager({ bridge, store: this.#store });
    this.#installer = new TrainingExtraInstaller((progress) => events.emit("training.install", progress));
    this.#subscriptions.add(this.#manager.onUpdate((payload) => events.emit("training.updated", payload)));
    this.#subscriptions.add(this.#manager.onPoints((payload) => events.emit("training.points", payload)));
    this.#subscriptions.add(this.#manager.onEvent((payload) => events.emit("training.event", payload)));
    this.#subscriptions.add(
      this.#manager.onWarning((warning) =>
        console.error(`snakebridge host: run ${warning.runId}: ${warning.message}`, warning.error),
      ),
    );
  }

  /** The training request handlers. */
  handlers(): HandlerTable<TrainingRequests> {
    return {
      "training.start": async ({ configText, name, configPath }) => {
        let config: unknown;
        try {
          config = parseYaml(configText);
        } catch (error) {
          throw new RequestError(
            "bad_request",
            `the run config is not valid YAML or JSON: ${(error as Error).message}`,
          );
        }
        // Relative paths in a config mean "next to this file", as they do for `snakebridge train`.
        const configDir =
          configPath === undefined ? this.#workspace.root : dirname(await this.#workspace.resolveReal(configPath));
        await this.#confineOutputs(config, configDir);
        try {
          return await this.#manager.start({ config, configText, configDir, ...(name === undefined ? {} : { name }) });
        } catch (error) {
          if (error instanceof RunConfigError) throw new RequestError("bad_request", error.message);
          throw error;
        }
      },
      "training.resume": ({ runId, checkpoint }) =>
        this.#known(async () => {
          try {
            return await this.#manager.resume(runId, checkpoint);
          } catch (error) {
            if (error instanceof RunResumeError || error instanceof RunConfigError)
              throw new RequestError("bad_request", error.message);
            throw error;
          }
        }),
      "training.export": ({ runId, kind, checkpoint }) =>
        this.#known(async () => {
          if (kind !== "adapter" && kind !== "merged")
            throw new RequestError("bad_request", `kind must be "adapter" or "merged", got "${kind}"`);
          const outDir = join(this.#runDir(runId), `export-${kind}`);
          return exportRunModel(this.#bridge, this.#store, runId, kind, outDir, checkpoint);
        }),
      "training.generate": ({ runId, prompt, maxNewTokens }) =>
        this.#known(async () => {
          const result = await this.#bridge.call(
            "snakebridge_worker.training.generate",
            [this.#runDir(runId), prompt, maxNewTokens ?? 48],
            {},
            { timeoutMs: 10 * 60_000 },
          );
          const value = result as { adapter?: unknown; base?: unknown };
          if (typeof value.adapter !== "string" || typeof value.base !== "string")
            throw new Error(`generate returned an unexpected value: ${JSON.stringify(result)}`);
          return { adapter: value.adapter, base: value.base };
        }),
      "training.memorySnapshot": ({ runId, steps }) =>
        this.#known(async () => this.#manager.requestMemorySnapshot(runId, steps)),
      "training.preview": async ({ path, limit }) => datasetPreview(this.#workspace, path, limit ?? 5),
      "training.environment": async () => this.#environment(),
      "training.install": async () => this.#installer.install(),
      "training.stop": ({ runId }) => this.#known(() => this.#manager.stop(runId)),
      "training.runs": async () => this.#manager.list(),
      "training.run": ({ runId }) => this.#known(async () => this.#manager.detail(runId)),
    };
  }

  async #environment(): Promise<TrainingEnvironmentView> {
    const result = await this.#bridge.call("snakebridge_worker.training.environment", [], {});
    const missing = (result as { missing?: unknown }).missing;
    if (!Array.isArray(missing))
      throw new Error(`the training environment check returned an unexpected value: ${JSON.stringify(result)}`);
    return { missing: missing.map(String), installCommand: installCommand(), canInstall: this.#installer.available() };
  }

  #runDir(runId: string): string {
    try {
      return runDirectory(this.#store, runId);
    } catch (error) {
      if (this.#store.getRun(runId) === undefined) throw new RunNotFoundError(runId);
      throw new RequestError("bad_request", (error as Error).message);
    }
  }

  /**
   * A workspace-relative output_dir (or the default runs/) must stay in the workspace by real path:
   * a page may not make the host write through a link that leads out. An absolute one is a folder
   * the user typed, as on the command line.
   */
  async #confineOutputs(config: unknown, configDir: string): Promise<void> {
    const outputDir =
      typeof config === "object" && config !== null ? (config as Record<string, unknown>)["output_dir"] : undefined;
    if (typeof outputDir === "string" && isAbsolute(outputDir)) return;
    const relativeDir = typeof outputDir === "string" ? outputDir : DEFAULT_OUTPUT_PARENT;
    await this.#workspace.confine(resolve(configDir, relativeDir), `output_dir ${relativeDir}`);
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
    this.#subscriptions.clear();
    this.#installer.dispose();
    try {
      await this.#manager.dispose();
    } finally {
      this.#store.close();
    }
  }
}

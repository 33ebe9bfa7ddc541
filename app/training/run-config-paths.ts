// Makes a run config's relative paths absolute against the folder the config came from, so a
// run started from the workbench (config text, no file) finds its data wherever the worker runs,
// and gives each run its own output folder under the config's output_dir.

import { isAbsolute, join, resolve } from "node:path";

import type { RunConfig } from "./run-config.js";

/** Where runs go when a config has no output_dir: runs/ beside the config. */
export const DEFAULT_OUTPUT_PARENT = "runs";

/**
 * Resolves dataset, eval, output, resume and "./model" paths against baseDir. output_dir is the
 * parent folder of the config's runs (default baseDir/runs); see runDirectory for one run's folder.
 */
export function resolveConfigPaths(config: RunConfig, baseDir: string): RunConfig {
  const absolute = (path: string): string => (isAbsolute(path) ? path : resolve(baseDir, path));
  const dataset =
    typeof config.dataset === "string"
      ? absolute(config.dataset)
      : {
          ...config.dataset,
          path: absolute(config.dataset.path),
          ...(typeof config.dataset.eval_path === "string" ? { eval_path: absolute(config.dataset.eval_path) } : {}),
        };
  const model =
    typeof config.model === "string" && (config.model.startsWith("./") || config.model.startsWith("../"))
      ? absolute(config.model)
      : config.model;
  return {
    ...config,
    dataset,
    ...(model === undefined ? {} : { model }),
    output_dir: absolute(typeof config.output_dir === "string" ? config.output_dir : DEFAULT_OUTPUT_PARENT),
    ...(typeof config.resume_from === "string" ? { resume_from: absolute(config.resume_from) } : {}),
  };
}

/**
 * One run's own folder: <output_dir>/<name>-<first 8 characters of the run id>. Two runs of one
 * config never share checkpoints, and the folder name says which run wrote it.
 */
export function runOutputFolder(outputParent: string, runName: string, runId: string): string {
  const slug =
    runName
      .normalize("NFKD")
      .replace(/[^A-Za-z0-9._-]+/g, "-")
      .replace(/^[-.]+|-+$/g, "")
      .slice(0, 60) || "run";
  return join(outputParent, `${slug}-${runId.slice(0, 8)}`);
}

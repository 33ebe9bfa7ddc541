// Makes a run config's relative paths absolute against the folder the config came from, so a
// run started from the workbench (config text, no file) finds its data wherever the worker runs.

import { isAbsolute, join, resolve } from "node:path";

import type { RunConfig } from "./run-config.js";

/**
 * Resolves dataset, eval, output, resume and "./model" paths against baseDir. When output_dir is
 * not set, the run gets its own folder baseDir/runs/<folderName>, so two runs never share checkpoints.
 */
export function resolveConfigPaths(config: RunConfig, baseDir: string, folderName: string): RunConfig {
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
    typeof config.model === "string" && (config.model.startsWith("./") || config.model.startsWith("../")) ? absolute(config.model) : config.model;
  return {
    ...config,
    dataset,
    ...(model === undefined ? {} : { model }),
    output_dir: typeof config.output_dir === "string" ? absolute(config.output_dir) : join(baseDir, "runs", folderName),
    ...(typeof config.resume_from === "string" ? { resume_from: absolute(config.resume_from) } : {}),
  };
}

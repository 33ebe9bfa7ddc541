// `snakebridge env sync MANIFEST[,...]`: builds the private virtualenv of every integration environment.
import { findInterpreter } from "../../bridge/index.js";
import {
  EnvironmentError,
  environmentsOf,
  syncEnvironment,
  type SyncProgress,
} from "../../integration/fabric/environments.js";
import { loadManifest } from "../../integration/manifest/load-manifest.js";
import { parseArgs, stringFlag } from "../args.js";
import { UsageError, type CliCommand } from "../command.js";

const BAR = 24;

/** `[########----------------] 2/4 message` on one terminal line (plain lines when not a terminal). */
function renderProgress(progress: SyncProgress, interactive: boolean): string {
  const done = Math.round((progress.step / progress.steps) * BAR);
  const text = `[${"#".repeat(done)}${"-".repeat(BAR - done)}] ${progress.step}/${progress.steps} ${progress.env} ${progress.message}`;
  return interactive ? `\r\u001b[2K${text.slice(0, (process.stderr.columns || 100) - 1)}` : `${text}\n`;
}

export const envCommand: CliCommand = {
  name: "env",
  summary: "Build the private virtualenv of each integration environment a manifest declares",
  usage: `Usage: snakebridge env sync MANIFEST[,MANIFEST...] [--find-links DIR[,DIR...]] [--no-index] [--force] [--python PATH] [--json]

For every distinct integrations[].environment ({python, requirements}) in the manifests, builds a virtualenv
under $SNAKEBRIDGE_ENVS_DIR or ~/.snakebridge/envs (one per distinct environment, reused while it is unchanged).
The worker's own requirements (grpcio, protobuf, numpy, ...) come from the workbench's interpreter; a
requirement that conflicts with them is refused. \`call\` and \`serve\` with --allow then run each integration in
a worker pool of its environment.

  --find-links DIR   pip wheelhouse(s) to install from
  --no-index         install only from --find-links (offline)
  --force            rebuild environments that exist
  --python PATH      the workbench's interpreter (default: as the workers would pick)
  --json             print [{"env", "dir", "python", "result"}]`,
  async run(args, io) {
    const parsed = parseArgs(args, {
      "find-links": "string",
      "no-index": "boolean",
      force: "boolean",
      python: "string",
      json: "boolean",
    });
    const [verb, list, ...rest] = parsed.positionals;
    if (verb !== "sync")
      throw new UsageError(
        verb ? `unknown env action "${verb}"; expected: sync` : "missing the action: snakebridge env sync MANIFEST",
      );
    if (!list || rest.length) throw new UsageError("expected MANIFEST[,MANIFEST...]");
    const manifests = await Promise.all(
      list
        .split(",")
        .filter(Boolean)
        .map((f) => loadManifest(f)),
    );
    const python = stringFlag(parsed, "python");
    const base = (await findInterpreter(python)).executable;
    const environments = environmentsOf(manifests, base);
    if (environments.length === 0) {
      io.stderr.write(
        "No integration declares an environment; nothing to build (calls run in the workbench's interpreter).\n",
      );
    }
    const findLinks = (stringFlag(parsed, "find-links") ?? "")
      .split(",")
      .map((d) => d.trim())
      .filter(Boolean);
    const results: { env: string; dir: string; python: string; result: string }[] = [];
    try {
      for (const env of environments) {
        io.stderr.write(
          `${env.key}: ${env.integrations.map((i) => i.module).join(", ")} — ${env.spec.requirements.join(" ") || "no requirements"}\n`,
        );
        const result = await syncEnvironment(env, {
          baseInterpreter: base,
          findLinks,
          noIndex: parsed.flags.has("no-index"),
          force: parsed.flags.has("force"),
          signal: io.signal,
          onProgress: (progress) => io.stderr.write(renderProgress(progress, io.interactive)),
        });
        if (io.interactive) io.stderr.write("\n");
        results.push({ env: env.key, dir: env.dir, python: env.python, result });
        if (!parsed.flags.has("json"))
          io.stdout.write(`${env.key} ${result === "built" ? "built" : "up to date"}: ${env.dir}\n`);
      }
    } catch (error) {
      if (!(error instanceof EnvironmentError)) throw error;
      if (io.interactive) io.stderr.write("\n");
      io.stderr.write(`${error.message}\n`);
      return 1;
    }
    if (parsed.flags.has("json")) io.stdout.write(JSON.stringify(results) + "\n");
    return 0;
  },
};

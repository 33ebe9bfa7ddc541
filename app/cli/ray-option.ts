// `--ray ADDRESS|local` (with --ray-cpus / --ray-gpus): one parser for every command that starts workers.
import { rayPlacementFromFlag, rayTlsFromDirectory, type RayPlacement } from "../bridge/placement/index.js";
import { stringFlag, type FlagSpec, type ParsedArgs } from "./args.js";
import { UsageError } from "./command.js";

/** The flags to spread into a command's parseArgs spec. */
export const RAY_FLAGS: FlagSpec = {
  ray: "string",
  "ray-cpus": "string",
  "ray-gpus": "string",
  "ray-tls-dir": "string",
};

/** Help text for the flags, to append to a command's usage. */
export const RAY_USAGE = `  --ray ADDRESS   run the workers as actors on a Ray cluster: local (a private head on 127.0.0.1),
                  auto, HOST:PORT or ray://HOST:PORT (docs/ray.md); needs the ray extra
  --ray-cpus N    CPUs each worker actor reserves (default 1)
  --ray-gpus N    GPUs each worker actor reserves (default 0), e.g. for a training run
  --ray-tls-dir D TLS for the workers' TCP servers: D holds ca.pem, and cert.pem/key.pem at the same path on
                  every node (also SNAKEBRIDGE_RAY_TLS_DIR)`;

function positiveNumber(parsed: ParsedArgs, name: string): number | undefined {
  const raw = stringFlag(parsed, name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isFinite(value) || value < 0) throw new UsageError(`--${name} must be a number ≥ 0, got "${raw}"`);
  if (stringFlag(parsed, "ray") === undefined) throw new UsageError(`--${name} goes with --ray ADDRESS`);
  return value;
}

/** `{ placement }` for PythonBridge.start when --ray was given, else `{}`. */
export function placementOption(parsed: ParsedArgs): { placement?: RayPlacement } {
  const address = stringFlag(parsed, "ray");
  const numCpus = positiveNumber(parsed, "ray-cpus");
  const numGpus = positiveNumber(parsed, "ray-gpus");
  const tlsDir = stringFlag(parsed, "ray-tls-dir") ?? process.env["SNAKEBRIDGE_RAY_TLS_DIR"];
  if (address === undefined) {
    if (stringFlag(parsed, "ray-tls-dir") !== undefined) throw new UsageError("--ray-tls-dir goes with --ray ADDRESS");
    return {};
  }
  let placement: RayPlacement;
  try {
    placement = rayPlacementFromFlag(address);
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  return {
    placement: {
      ...placement,
      ...(numCpus === undefined ? {} : { numCpus }),
      ...(numGpus === undefined ? {} : { numGpus }),
      ...(tlsDir === undefined || tlsDir === "" ? {} : { tls: rayTlsFromDirectory(tlsDir) }),
    },
  };
}

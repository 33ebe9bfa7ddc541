// `snakebridge call <dotted.path> [ARG_JSON ...] [--kwargs JSON] [--json] [--timeout MS]`
import { describeError } from "../../base/index.js";
import { findInterpreter, PythonBridge, PythonError, type PyKwargs, type PyValue } from "../../bridge/index.js";
import { intFlag, parseArgs, stringFlag } from "../args.js";
import { UsageError, type CliCommand, type CliIO } from "../command.js";
import { RAY_FLAGS, RAY_USAGE, placementOption } from "../ray-option.js";
import type { RayPlacement } from "../../bridge/placement/index.js";
import { parseJsonArgument, toJsonText } from "../json-output.js";
import { ENFORCE_FLAGS, ENFORCE_USAGE, enforcementFlags } from "../enforce-flags.js";
import { startEnforcement, type EnforcementOptions } from "../../integration/fabric/enforcement.js";
import { environmentFor, environmentsOf, isSynced } from "../../integration/fabric/environments.js";

/** The worker's output is taken as complete once it has been quiet this long after the answer... */
const OUTPUT_QUIET_MS = 30;
/** ...or this long has passed, however much it still prints. */
const OUTPUT_WAIT_MS = 500;

interface CallRequest {
  target: string;
  callArgs: PyValue[];
  kwargs: PyKwargs;
  timeoutMs: number;
  python: string | undefined;
  enforce: EnforcementOptions | undefined;
  ray: { placement?: RayPlacement };
}

/** Reads the command line; every mistake is a UsageError. */
function parseCall(args: string[]): CallRequest {
  const parsed = parseArgs(args, {
    kwargs: "string",
    json: "boolean",
    timeout: "string",
    python: "string",
    ...ENFORCE_FLAGS,
    ...RAY_FLAGS,
  });
  const [target, ...rawArgs] = parsed.positionals;
  if (!target) throw new UsageError("missing the dotted path of the function to call, e.g. math.sqrt");
  const callArgs = rawArgs.map((a, i) => parseJsonArgument(a, `argument ${i + 1}`));
  const rawKwargs = stringFlag(parsed, "kwargs");
  const kwargs = rawKwargs === undefined ? {} : parseJsonArgument(rawKwargs, "--kwargs");
  if (
    kwargs === null ||
    typeof kwargs !== "object" ||
    Array.isArray(kwargs) ||
    Object.getPrototypeOf(kwargs) !== Object.prototype
  ) {
    throw new UsageError("--kwargs must be a JSON object of names to values, e.g. '{\"indent\": 2}'");
  }
  return {
    target,
    callArgs,
    kwargs: kwargs as PyKwargs,
    timeoutMs: intFlag(parsed, "timeout", 60_000, 1),
    python: stringFlag(parsed, "python"),
    enforce: enforcementFlags(parsed),
    ray: placementOption(parsed),
  };
}

/** A usage error in the shape of PythonError.toJSON(), so --json callers read one error format. */
function usageErrorJson(error: UsageError): Record<string, string> {
  return { type: "UsageError", module: "", classification: "usage_error", message: error.message, traceback: "" };
}

export const callCommand: CliCommand = {
  name: "call",
  summary: "Call a Python function in a worker and print the result",
  usage: `Usage: snakebridge call <dotted.path> [ARG_JSON ...] [--kwargs JSON] [--json] [--timeout MS] [--python PATH]

Calls a Python function by its dotted path. Each ARG_JSON is one positional argument as JSON.
Values JSON cannot say are tagged, the same way in arguments and in --json output:
  {"$bytes": "AP8="}  {"$tuple": [1, 2]}  {"$set": [1, 2]}  {"$dict": [[1, "one"]]}  {"$complex": [1, 2]}
  {"$bigint": "123456789012345678901"}  {"$float": "NaN"}  {"$ndarray": [[1, 2]], "dtype": "float32"}
A printed {"$handle": ...} cannot be passed back: each call starts a fresh worker that holds no objects.

  --kwargs JSON   keyword arguments as a JSON object, e.g. '{"indent": 2}'
  --json          print exactly one JSON value: the result, or {"error": {...}} (exit code 1; 2 for a usage error)
  --timeout MS    deadline for the call (default 60000)
  --python PATH   interpreter to run the worker with
${RAY_USAGE}
${ENFORCE_USAGE}

Examples:
  snakebridge call math.sqrt 2 --json             → 1.4142135623730951
  snakebridge call json.loads '"[1, 2]"'          → [1, 2]
  snakebridge call statistics.mean '[1, 2, 3, 4]' → 2.5`,
  async run(args, io) {
    // Known before parsing, so that a usage error is JSON too when --json was asked for.
    const json = args.includes("--json");
    let request: CallRequest;
    try {
      request = parseCall(args);
    } catch (error) {
      if (!json || !(error instanceof UsageError)) throw error;
      io.stdout.write(JSON.stringify({ error: usageErrorJson(error) }) + "\n");
      return 2;
    }
    try {
      return await runCall(request, json, io);
    } catch (error) {
      // --json promises exactly one JSON value on stdout, whatever failed (a bad --python, an unbuilt environment).
      if (!json) throw error;
      const failure = error instanceof PythonError ? error : PythonError.bridge("internal", describeError(error));
      io.stdout.write(JSON.stringify({ error: failure.toJSON() }) + "\n");
      return 1;
    }
  },
};

async function runCall(request: CallRequest, json: boolean, io: CliIO): Promise<number> {
  const { target, callArgs, kwargs, timeoutMs, python } = request;

  const enforcement = request.enforce === undefined ? undefined : await startEnforcement(request.enforce);
  // An integration with an environment of its own runs in that environment's interpreter (snakebridge env sync).
  const environment =
    enforcement === undefined
      ? undefined
      : environmentFor(environmentsOf(enforcement.manifests, (await findInterpreter(python)).executable), target);
  if (environment !== undefined && !(await isSynced(environment))) {
    await enforcement?.close();
    throw new Error(
      `${target} runs in an environment of its own that is not built yet: run \`snakebridge env sync ${environment.integrations[0]!.manifest}\``,
    );
  }
  const interpreter = environment?.python ?? python;
  const bridge = await PythonBridge.start({
    poolSize: 1,
    ...(interpreter ? { python: interpreter } : {}),
    ...request.ray,
    ...enforcement?.bridgeOptions,
  }).catch(async (error: unknown) => {
    await enforcement?.close();
    throw error;
  });
  // What the function prints goes to stderr, so stdout stays the result alone (with --json, one JSON value).
  let heardAt = 0;
  const output = bridge.onWorkerOutput((_worker, _stream, text) => {
    heardAt = Date.now();
    io.stderr.write(text);
  });
  // A print reaches the host on its own pipe, a few ms after the answer: wait for it before the worker goes.
  const outputSettled = async (): Promise<void> => {
    const answeredAt = Date.now();
    while (Date.now() - Math.max(answeredAt, heardAt) < OUTPUT_QUIET_MS && Date.now() - answeredAt < OUTPUT_WAIT_MS)
      await new Promise((resolve) => setTimeout(resolve, 5));
  };
  try {
    const result: PyValue = await bridge.call(target, callArgs, kwargs, { timeoutMs, signal: io.signal });
    await outputSettled();
    io.stdout.write(toJsonText(result, json ? 0 : 2) + "\n");
    return 0;
  } catch (error) {
    if (!(error instanceof PythonError)) throw error;
    await outputSettled();
    if (json) {
      io.stdout.write(JSON.stringify({ error: error.toJSON() }) + "\n");
    } else {
      io.stderr.write(
        (error.traceback || `${error.pythonType}: ${error.pythonMessage}\n`) + `(${error.classification})\n`,
      );
    }
    return 1;
  } finally {
    await bridge.dispose();
    output.dispose();
    await enforcement?.close();
  }
}

// `snakebridge call <dotted.path> [ARG_JSON ...] [--kwargs JSON] [--json] [--timeout MS]`
import { PythonBridge, PythonError, type PyKwargs, type PyValue } from "../../bridge/index.js";
import { intFlag, parseArgs, stringFlag } from "../args.js";
import { UsageError, type CliCommand } from "../command.js";
import { parseJsonArgument, toJsonText } from "../json-output.js";

export const callCommand: CliCommand = {
  name: "call",
  summary: "Call a Python function in a worker and print the result",
  usage: `Usage: snakebridge call <dotted.path> [ARG_JSON ...] [--kwargs JSON] [--json] [--timeout MS] [--python PATH]

Calls a Python function by its dotted path. Each ARG_JSON is one positional argument as JSON.

  --kwargs JSON   keyword arguments as a JSON object, e.g. '{"indent": 2}'
  --json          print exactly one JSON value: the result, or {"error": {...}} (exit code 1)
  --timeout MS    deadline for the call (default 60000)
  --python PATH   interpreter to run the worker with

Examples:
  snakebridge call math.sqrt 2 --json             → 1.4142135623730951
  snakebridge call json.loads '"[1, 2]"'          → [1, 2]
  snakebridge call statistics.mean '[1, 2, 3, 4]' → 2.5`,
  async run(args, io) {
    const parsed = parseArgs(args, { kwargs: "string", json: "boolean", timeout: "string", python: "string" });
    const [target, ...rawArgs] = parsed.positionals;
    if (!target) throw new UsageError("missing the dotted path of the function to call, e.g. math.sqrt");
    const callArgs = rawArgs.map((a, i) => parseJsonArgument(a, `argument ${i + 1}`));
    const rawKwargs = stringFlag(parsed, "kwargs");
    const kwargs = rawKwargs === undefined ? {} : parseJsonArgument(rawKwargs, "--kwargs");
    if (kwargs === null || typeof kwargs !== "object" || Array.isArray(kwargs)) throw new UsageError("--kwargs must be a JSON object");
    const json = parsed.flags.has("json");
    const timeoutMs = intFlag(parsed, "timeout", 60_000, 1);
    const python = stringFlag(parsed, "python");

    const bridge = await PythonBridge.start({ poolSize: 1, ...(python ? { python } : {}) });
    try {
      const result: PyValue = await bridge.call(target, callArgs, kwargs as PyKwargs, { timeoutMs, signal: io.signal });
      io.stdout.write(toJsonText(result, json ? 0 : 2) + "\n");
      return 0;
    } catch (error) {
      if (!(error instanceof PythonError)) throw error;
      if (json) {
        io.stdout.write(JSON.stringify({ error: error.toJSON() }) + "\n");
      } else {
        io.stderr.write((error.traceback || `${error.pythonType}: ${error.pythonMessage}\n`) + `(${error.classification})\n`);
      }
      return 1;
    } finally {
      await bridge.dispose();
    }
  },
};

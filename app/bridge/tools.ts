// Host tools (issue 17): TypeScript functions registered by name, callable from any worker as
// `snakebridge_worker.tools.call("name", ...)`, listed in the MCP tool shape.
import { Ajv, type ErrorObject, type ValidateFunction } from "ajv";
import { describeError, Emitter, toDisposable, type Event, type IDisposable } from "../base/index.js";
import { PythonError } from "./python-error.js";
import type { PyKwargs, PyValue } from "./values.js";

/** A JSON Schema object (the tool's parameters). */
export type JsonSchema = Readonly<Record<string, unknown>>;

/** A registered tool as `tools.list()` returns it: the MCP tool shape. */
export interface ToolInfo {
  name: string;
  description: string;
  inputSchema: JsonSchema;
}

export interface ToolOptions {
  description?: string;
  /** JSON Schema of the arguments object (type "object"); arguments are validated against it before the call. */
  parameters?: JsonSchema;
}

/** A tool's implementation: gets the arguments as one object (named by the schema's properties). */
export type ToolFunction = (args: Record<string, PyValue>) => unknown;

interface Tool {
  info: ToolInfo;
  fn: ToolFunction;
  validate: ValidateFunction;
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
const EMPTY_SCHEMA: JsonSchema = { type: "object", properties: {} };

function describeErrors(errors: readonly ErrorObject[] | null | undefined): string {
  return (errors ?? []).map((e) => `${e.instancePath || "(arguments)"} ${e.message ?? "is invalid"}`).join("; ");
}

/** The host's tools, shared by every worker of a bridge. */
export class HostTools {
  readonly #tools = new Map<string, Tool>();
  readonly #ajv = new Ajv({ allErrors: true, strict: false });
  readonly #changes = new Emitter<void>("host tools changed");

  /** Registers a tool (replacing one of the same name); disposing the result unregisters it. */
  register(name: string, fn: ToolFunction, options: ToolOptions = {}): IDisposable {
    if (!NAME.test(name)) {
      throw new TypeError(
        `tool name "${name}" is not a Python identifier; use letters, digits and _ so Python can call tools.${name}(...)`,
      );
    }
    const inputSchema = options.parameters ?? EMPTY_SCHEMA;
    let validate: ValidateFunction;
    try {
      validate = this.#ajv.compile(inputSchema);
    } catch (error) {
      throw new TypeError(`tool ${name}: its parameters are not a valid JSON Schema: ${describeError(error)}`);
    }
    const tool: Tool = { info: { name, description: options.description ?? "", inputSchema }, fn, validate };
    this.#tools.set(name, tool);
    this.#changed();
    return toDisposable(() => {
      if (this.#tools.get(name) === tool) {
        this.#tools.delete(name);
        this.#changed();
      }
    });
  }

  /** Every tool, in the MCP shape. */
  list(): ToolInfo[] {
    return [...this.#tools.values()].map((t) => t.info);
  }

  /** Calls a tool: positional arguments take the schema's property names in order, then keywords; validated first. */
  async call(name: string, args: readonly PyValue[], kwargs: PyKwargs): Promise<unknown> {
    const tool = this.#tools.get(name);
    if (tool === undefined) {
      const known = [...this.#tools.keys()];
      throw PythonError.bridge(
        "not_found",
        `no host tool named "${name}"; registered: ${known.length > 0 ? known.join(", ") : "none"}`,
      );
    }
    const names = Object.keys((tool.info.inputSchema["properties"] ?? {}) as object);
    if (args.length > names.length) {
      throw PythonError.bridge(
        "serialization_error",
        `tool ${name} takes at most ${names.length} positional arguments (${names.join(", ")}); got ${args.length}`,
      );
    }
    const input: Record<string, PyValue> = {};
    args.forEach((value, i) => {
      input[names[i]!] = value;
    });
    for (const [key, value] of Object.entries(kwargs)) {
      if (Object.hasOwn(input, key))
        throw PythonError.bridge("serialization_error", `tool ${name} got argument "${key}" twice`);
      input[key] = value;
    }
    if (!tool.validate(input)) {
      throw PythonError.bridge(
        "serialization_error",
        `tool ${name}: arguments do not match its schema: ${describeErrors(tool.validate.errors)}`,
      );
    }
    return tool.fn(input);
  }

  /** Told when tools are registered or removed (the workbench's list). */
  readonly onChange: Event<void> = this.#changes.event;

  #changed(): void {
    this.#changes.fire();
  }
}

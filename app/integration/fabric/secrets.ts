// Manifest `bind:` → the bridge's ArgumentBinder: parameter values bound to functions and constructors,
// `${env:NAME}` read from the host's environment at each call, and redaction of those values everywhere the
// bridge hands text back (results' reprs, errors, tracebacks, worker output).
import { CallKind } from "../../../proto/generated/snakebridge/v1/worker.js";
import { PythonError, type ArgumentBinder, type PyKwargs, type PyValue } from "../../bridge/index.js";
import type { LoadedManifest } from "../manifest/load-manifest.js";
import { integrationModule } from "../manifest/resolve-entrypoints.js";

const ENV_REFERENCE = /^\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}$/;
/** Secrets shorter than this are not redacted: replacing every "a" in every message would hide everything. */
const MIN_REDACTED_LENGTH = 4;

type BoundValue = { literal: PyValue } | { env: string };

interface Binding {
  manifest: string;
  entrypoint: string;
  parameters: Map<string, BoundValue>;
}

/** Resolves a manifest's bound parameters at call time and redacts the values of its ${env:…} secrets. */
export class SecretBindings implements ArgumentBinder {
  readonly #bindings = new Map<string, Binding>();
  readonly #secretNames = new Set<string>();
  readonly #env: NodeJS.ProcessEnv;

  constructor(manifests: readonly LoadedManifest[], env: NodeJS.ProcessEnv = process.env) {
    this.#env = env;
    for (const loaded of manifests) {
      for (const spec of loaded.spec.integrations) {
        const module = integrationModule(spec);
        for (const [name, parameters] of Object.entries(spec.bind ?? {})) {
          const entrypoint = name === module || name.startsWith(`${module}.`) ? name : `${module}.${name}`;
          const binding: Binding = { manifest: loaded.file, entrypoint, parameters: new Map() };
          for (const [parameter, value] of Object.entries(parameters)) {
            const reference = typeof value === "string" ? ENV_REFERENCE.exec(value) : null;
            if (reference) {
              binding.parameters.set(parameter, { env: reference[1]! });
              this.#secretNames.add(reference[1]!);
            } else {
              binding.parameters.set(parameter, { literal: value });
            }
          }
          this.#bindings.set(entrypoint, binding);
        }
      }
    }
  }

  /** Whether any manifest binds anything. */
  get empty(): boolean {
    return this.#bindings.size === 0;
  }

  /** Names of the environment variables bound as secrets (for `doctor`-style checks and docs). */
  get secretNames(): string[] {
    return [...this.#secretNames];
  }

  kwargsFor(kind: CallKind, target: string): PyKwargs | undefined {
    if (kind !== CallKind.CALL_KIND_FUNCTION && kind !== CallKind.CALL_KIND_CONSTRUCTOR) return undefined;
    const binding = this.#bindings.get(target);
    if (binding === undefined) return undefined;
    const kwargs: Record<string, PyValue> = {};
    for (const [parameter, value] of binding.parameters) {
      if ("literal" in value) {
        kwargs[parameter] = value.literal;
        continue;
      }
      const resolved = this.#env[value.env];
      if (resolved === undefined || resolved === "") {
        throw PythonError.bridge(
          "value_error",
          `${binding.entrypoint}: its parameter "${parameter}" is bound to \${env:${value.env}} in ${binding.manifest}, ` +
            `but the environment variable ${value.env} is not set. Set ${value.env} in the environment of the Snakebridge host, then call again.`,
          target,
        );
      }
      kwargs[parameter] = resolved;
    }
    return kwargs;
  }

  /** The current values of the bound secrets (read now: a rotated secret is redacted under its new value). */
  #values(): { name: string; value: string }[] {
    const values: { name: string; value: string }[] = [];
    for (const name of this.#secretNames) {
      const value = this.#env[name];
      if (value !== undefined && value.length >= MIN_REDACTED_LENGTH) values.push({ name, value });
    }
    // Longest first, so that a secret containing another is replaced whole.
    return values.sort((a, b) => b.value.length - a.value.length);
  }

  mentionsSecret(text: string): boolean {
    if (this.#secretNames.size === 0 || text.length === 0) return false;
    return this.#values().some(({ value }) => text.includes(value));
  }

  redact(text: string): string {
    let result = text;
    for (const { name, value } of this.#values()) result = result.split(value).join(`[redacted:${name}]`);
    return result;
  }
}

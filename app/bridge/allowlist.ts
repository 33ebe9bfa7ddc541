// Enforce mode: the bridge lets through only the Python entrypoints an allowlist declares.
// The integration layer builds the list from manifests; the bridge checks every call against it on the host
// side, and hands the same list to each worker (SNAKEBRIDGE_WORKER_ALLOWLIST, read once and removed from its
// environment) so a caller that goes around the host straight to a worker's socket is refused there too.
// The host-side method check is by name only (it cannot see a live object's class); the worker checks the
// object's class with isinstance, which is the authoritative answer.
import { CallKind } from "../../proto/generated/snakebridge/v1/worker.js";
import { PythonError } from "./python-error.js";
import type { PyHandle } from "./values.js";

/** One allowed entrypoint. */
export type AllowRule =
  /** A function (or any callable) by exact dotted path. */
  | { kind: "function"; path: string; manifest?: string }
  /** A class: its constructor, and its methods on handles (every public method when `methods` is absent). */
  | { kind: "class"; path: string; methods?: readonly string[]; manifest?: string }
  /** A manifest `include` glob over dotted paths: `*` within one name, `**` across dots. */
  | { kind: "pattern"; path: string; manifest?: string };

/** What enforce mode allows. */
export interface AllowPolicy {
  rules: readonly AllowRule[];
  /** Manifest `exclude` globs: removes what patterns would let through. */
  exclude?: readonly string[];
  /** The manifests the rules came from, named in refusals ("declare it in …"). */
  manifests: readonly string[];
}

/** The environment variable that carries the policy to a worker. */
export const WORKER_ALLOWLIST_ENV = "SNAKEBRIDGE_WORKER_ALLOWLIST";

/**
 * The workbench's own targets, allowed in enforce mode whatever the manifests say: training run and export,
 * session reset. Describe is its own RPC and is not a call. Kept in step with snakebridge_worker/runtime/allowlist.py.
 */
export const INTERNAL_TARGETS: readonly string[] = [
  "snakebridge_worker.sessions.reset_session",
  "snakebridge_worker.training.run",
  "snakebridge_worker.training.export",
  "snakebridge_worker.training.generate",
  "snakebridge_worker.training.environment",
];

/** A glob over dotted paths as a regular expression. */
export function globToRegExp(glob: string): RegExp {
  let source = "";
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === "*" && glob[i + 1] === "*") {
      source += ".*";
      i++;
    } else if (c === "*") source += "[^.]*";
    else if (c === "?") source += "[^.]";
    else source += c.replace(/[.+^${}()|[\]\\]/g, "\\$&");
  }
  return new RegExp(`^${source}$`);
}

/** A dunder name such as __class__ or __globals__: never reachable in enforce mode. */
export function isDunder(name: string): boolean {
  return name.length > 4 && name.startsWith("__") && name.endsWith("__");
}

/** The policy as the worker reads it (JSON in its environment). */
export function workerAllowlistEnv(policy: AllowPolicy | undefined): Record<string, string> {
  if (policy === undefined) return {};
  return {
    [WORKER_ALLOWLIST_ENV]: JSON.stringify({
      version: 1,
      rules: policy.rules,
      exclude: policy.exclude ?? [],
      manifests: policy.manifests,
    }),
  };
}

/** Checks calls against an AllowPolicy on the host side; throws PythonError("not_allowed"). */
export class CallGuard {
  readonly #exact = new Map<string, AllowRule>();
  readonly #patterns: { regex: RegExp; rule: AllowRule }[] = [];
  readonly #exclude: RegExp[];
  readonly #internal = new Set(INTERNAL_TARGETS);
  /** Method names some allowed class declares; null entries mean "every public method" of some class. */
  readonly #methods = new Set<string>();
  #anyPublicMethod = false;

  constructor(readonly policy: AllowPolicy) {
    for (const rule of policy.rules) {
      if (rule.kind === "pattern") {
        this.#patterns.push({ regex: globToRegExp(rule.path), rule });
        this.#anyPublicMethod = true;
        continue;
      }
      this.#exact.set(rule.path, rule);
      if (rule.kind === "class") {
        if (rule.methods === undefined) this.#anyPublicMethod = true;
        else for (const m of rule.methods) this.#methods.add(m);
      }
    }
    this.#exclude = (policy.exclude ?? []).map(globToRegExp);
  }

  /** Throws unless a call of `kind` on `target` (and `handle`) is allowed. */
  check(kind: CallKind, target: string, handle: PyHandle | undefined): void {
    if (kind === CallKind.CALL_KIND_RELEASE) return;
    if (handle !== undefined) {
      if (isDunder(target))
        throw this.#refuse(
          target,
          `${handle.pythonType}.${target}: dunder attributes are never reachable in enforce mode`,
        );
      if (kind === CallKind.CALL_KIND_ATTRIBUTE) return; // attributes of handles from allowed entrypoints
      if (this.#methods.has(target) || (this.#anyPublicMethod && !target.startsWith("_"))) return;
      throw this.#refuse(
        `${handle.pythonType}.${target}`,
        `the method ${target} of ${handle.pythonType} is not declared by any class in the allowlist`,
        "classes[].methods",
      );
    }
    if (this.allows(target, kind)) return;
    throw this.#refuse(
      target,
      `${target} is not declared in the allowlist`,
      kind === CallKind.CALL_KIND_CONSTRUCTOR ? "classes" : "functions",
    );
  }

  /** Whether a dotted path may be called (functions, constructors, module attributes, streams). */
  allows(target: string, kind: CallKind = CallKind.CALL_KIND_FUNCTION): boolean {
    if (this.#internal.has(target)) return true;
    const rule = this.#exact.get(target);
    if (rule !== undefined) return kind !== CallKind.CALL_KIND_CONSTRUCTOR || rule.kind === "class";
    if (target.split(".").some(isDunder)) return false;
    if (this.#exclude.some((r) => r.test(target))) return false;
    return this.#patterns.some((p) => p.regex.test(target));
  }

  /** Throws: notebooks, the console and Eval are off in enforce mode. */
  refuseEval(): never {
    throw this.#refuse("eval", "running code (notebook cells, the console, Eval) is off in enforce mode");
  }

  #refuse(target: string, why: string, section?: string): PythonError {
    const top = target.split(".")[0];
    const owning = [
      ...new Set(
        this.policy.rules
          .filter((r) => r.manifest !== undefined && r.path.split(".")[0] === top)
          .map((r) => r.manifest!),
      ),
    ];
    const manifests = owning.length > 0 ? owning : this.policy.manifests;
    const where =
      manifests.length === 0
        ? "an --allow manifest"
        : manifests.length === 1
          ? manifests[0]!
          : `one of ${manifests.join(", ")}`;
    const fix =
      section === undefined
        ? `Enforce mode allows only the entrypoints declared in ${where}.`
        : `To allow it, declare it under integrations[].entrypoints.${section} in ${where}, then restart.`;
    return PythonError.bridge("not_allowed", `${why}. ${fix}`, target);
  }
}

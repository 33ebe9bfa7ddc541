// Typed coverage: the share of parameters and returns whose TypeScript type is neither `unknown` nor derived from Any.
import {
  ParameterKind,
  type FunctionDescriptor,
  type LibraryDescriptor,
  type SignatureDescriptor,
  type TypeExpr,
} from "../../proto/generated/snakebridge/v1/describe.js";
import { isRecovered } from "./codegen/emit-callable.js";
import { mapType, typeParameters, type TypeMapContext } from "./codegen/type-mapper.js";
import type { ResolvedIntegration } from "./manifest/resolve-entrypoints.js";

export interface TypedCoverage {
  /** Parameters and returns counted. */
  slots: number;
  /** Of those, how many got a type. */
  typed: number;
  share: number;
  parameters: { total: number; typed: number };
  returns: { total: number; typed: number };
  /** Up to 50 untyped slots, e.g. "difflib.get_close_matches(word)" or "difflib.ndiff -> return". */
  untyped: string[];
}

/** A callable to measure; `isConstructor` skips the return (a constructor returns its class). */
export interface MeasuredCallable {
  path: string;
  fn: FunctionDescriptor;
  isConstructor?: boolean;
}

const ANY_NAMES = new Set(["Any", "Incomplete", "_typeshed.Incomplete", "typing.Any", "unknown", ""]);
const MAX_UNTYPED = 50;

/** Containers whose TypeScript type is built from their arguments (a Callable or class handle is not). */
const CONTAINERS = new Set(["Union", "Optional", "list", "Sequence", "Iterable", "tuple", "dict", "set", "TypedDict"]);

/** True when a TypeExpr is, or holds as an element, Any/Incomplete (a `list[Any]` is not typed). */
function derivesFromAny(expr: TypeExpr | undefined): boolean {
  if (expr === undefined) return true;
  if (ANY_NAMES.has(expr.name)) return true;
  return CONTAINERS.has(expr.name) && expr.args.some((a) => a.name !== "..." && derivesFromAny(a));
}

/** Whether a slot counts as typed: a faithful TypeScript type, not derived from Any. */
export function isTypedSlot(expr: TypeExpr | undefined, context: TypeMapContext): boolean {
  if (derivesFromAny(expr)) return false;
  return !/\bunknown\b/.test(mapType(expr, context));
}

/** Counts the slots of one signature into `report`. */
function measureSignature(
  report: TypedCoverage,
  path: string,
  signature: SignatureDescriptor,
  isConstructor: boolean,
  known: ReadonlyMap<string, string>,
  self?: string,
): void {
  const base: TypeMapContext = {
    position: "parameter",
    arrays: "binary",
    knownClasses: known,
    ...(self ? { selfClass: self } : {}),
  };
  // The same generics the SDK declares: TypeVars its parameters use.
  const inputs: TypeMapContext = {
    ...base,
    typeParams: typeParameters(
      signature.parameters.map((p) => p.type),
      base,
    ).names,
  };
  const outputs: TypeMapContext = { ...inputs, position: "return" };
  const note = (slot: string): void => {
    if (report.untyped.length < MAX_UNTYPED) report.untyped.push(`${path}${slot}`);
  };
  for (const p of signature.parameters) {
    report.parameters.total++;
    if (isTypedSlot(p.type, inputs)) report.parameters.typed++;
    else
      note(
        `(${p.kind === ParameterKind.PARAMETER_KIND_VAR_POSITIONAL ? "*" : p.kind === ParameterKind.PARAMETER_KIND_VAR_KEYWORD ? "**" : ""}${p.name})`,
      );
  }
  if (isConstructor) return;
  report.returns.total++;
  if (isTypedSlot(signature.returns, outputs)) report.returns.typed++;
  else note(" -> return");
}

/** Typed coverage over callables; `known` maps Python class paths to their generated names. */
export function typedCoverageOf(
  callables: readonly MeasuredCallable[],
  known: ReadonlyMap<string, string> = new Map(),
): TypedCoverage {
  const report: TypedCoverage = {
    slots: 0,
    typed: 0,
    share: 0,
    parameters: { total: 0, typed: 0 },
    returns: { total: 0, typed: 0 },
    untyped: [],
  };
  for (const { path, fn, isConstructor } of callables) {
    const signature = fn.signatures[0];
    if (!isRecovered(signature)) {
      // An unrecovered signature is (*args, **kwargs) -> unknown: three untyped slots.
      report.parameters.total += 2;
      if (!isConstructor) report.returns.total++;
      if (report.untyped.length < MAX_UNTYPED) report.untyped.push(`${path}(*args, **kwargs)`);
      continue;
    }
    const owner = fn.path && fn.path !== path ? undefined : path.slice(0, path.lastIndexOf("."));
    measureSignature(
      report,
      path,
      signature!,
      isConstructor ?? false,
      known,
      owner && known.has(owner) ? owner : undefined,
    );
  }
  report.slots = report.parameters.total + report.returns.total;
  report.typed = report.parameters.typed + report.returns.typed;
  report.share = report.slots ? report.typed / report.slots : 0;
  return report;
}

function classMap(paths: Iterable<readonly [string, string]>): Map<string, string> {
  return new Map(paths);
}

/** Typed coverage over every public callable a library describes (references counted once, at their description). */
export function libraryTypedCoverage(library: LibraryDescriptor): TypedCoverage {
  const callables: MeasuredCallable[] = [];
  const classes: [string, string][] = [];
  for (const module of library.modules) {
    for (const fn of module.functions)
      if (fn.signatures.length) callables.push({ path: fn.path || `${module.name}.${fn.name}`, fn });
    for (const cls of module.classes) {
      if (!cls.init) continue;
      const path = cls.path || `${module.name}.${cls.name}`;
      classes.push([path, cls.name]);
      callables.push({ path, fn: cls.init, isConstructor: true });
      for (const m of cls.methods) if (m.signatures.length) callables.push({ path: `${path}.${m.name}`, fn: m });
    }
  }
  return typedCoverageOf(callables, classMap(classes));
}

/** Typed coverage per integration (keyed by its package) over the entrypoints a manifest selected. */
export function manifestTypedCoverage(integrations: readonly ResolvedIntegration[]): Map<string, TypedCoverage> {
  const result = new Map<string, TypedCoverage>();
  for (const integration of integrations) {
    const callables: MeasuredCallable[] = [];
    const classes: [string, string][] = [];
    for (const f of integration.functions)
      callables.push({ path: f.function.path || `${f.module}.${f.function.name}`, fn: f.function });
    for (const c of integration.classes) {
      const path = c.class.path || `${c.module}.${c.class.name}`;
      classes.push([path, c.class.name]);
      if (c.class.init) callables.push({ path, fn: c.class.init, isConstructor: true });
      for (const m of c.methods) callables.push({ path: `${path}.${m.name}`, fn: m });
    }
    result.set(integration.spec.package, typedCoverageOf(callables, classMap(classes)));
  }
  return result;
}

/** One line, e.g. "41/44 parameters and returns typed (93.2%): parameters 28/28, returns 13/16". */
export function formatTypedCoverage(report: TypedCoverage): string {
  return (
    `${report.typed}/${report.slots} parameters and returns typed (${(report.share * 100).toFixed(1)}%): ` +
    `parameters ${report.parameters.typed}/${report.parameters.total}, returns ${report.returns.typed}/${report.returns.total}`
  );
}

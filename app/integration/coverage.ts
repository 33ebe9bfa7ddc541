// Signature coverage: how many callables got their full parameter list, and from which source.
import {
  SignatureSource,
  type FunctionDescriptor,
  type LibraryDescriptor,
} from "../../proto/generated/snakebridge/v1/describe.js";
import type { ResolvedIntegration } from "./manifest/resolve-entrypoints.js";
import { isRecovered } from "./codegen/emit-callable.js";

export interface CoverageReport {
  total: number;
  /** Callables whose full parameter list was recovered. */
  recovered: number;
  /** Recovered callables whose every parameter and return has a type other than unknown/Any. */
  fullyTyped: number;
  share: number;
  /** Callables per signature source: inspect, text_signature, docstring_signature, numpydoc, google, overload, none. */
  bySource: Record<string, number>;
  /** Dotted paths of callables with no recovered signature. */
  unrecovered: string[];
}

function sourceName(source: SignatureSource | undefined): string {
  const name = SignatureSource[source ?? SignatureSource.SIGNATURE_SOURCE_NONE] ?? "SIGNATURE_SOURCE_NONE";
  const short = name.replace(/^SIGNATURE_SOURCE_/, "").toLowerCase();
  return short === "unspecified" ? "none" : short;
}

const UNTYPED = new Set(["unknown", "Any", ""]);

function fullyTyped(fn: FunctionDescriptor): boolean {
  const signature = fn.signatures[0];
  if (!signature) return false;
  return (
    signature.parameters.every((p) => !UNTYPED.has(p.type?.name ?? "")) && !UNTYPED.has(signature.returns?.name ?? "")
  );
}

/** Coverage over a list of callables, each with the path to report it by. */
export function coverageOf(callables: readonly { path: string; fn: FunctionDescriptor }[]): CoverageReport {
  const report: CoverageReport = { total: 0, recovered: 0, fullyTyped: 0, share: 0, bySource: {}, unrecovered: [] };
  for (const { path, fn } of callables) {
    report.total++;
    const signature = fn.signatures[0];
    const source = sourceName(signature?.source);
    report.bySource[source] = (report.bySource[source] ?? 0) + 1;
    if (isRecovered(signature)) {
      report.recovered++;
      if (fullyTyped(fn)) report.fullyTyped++;
    } else {
      report.unrecovered.push(path);
    }
  }
  report.share = report.total ? report.recovered / report.total : 0;
  return report;
}

/** Coverage over every public callable of a described library (re-exported references counted once). */
export function libraryCoverage(library: LibraryDescriptor): CoverageReport {
  const callables: { path: string; fn: FunctionDescriptor }[] = [];
  for (const module of library.modules) {
    for (const fn of module.functions)
      if (fn.signatures.length) callables.push({ path: fn.path || `${module.name}.${fn.name}`, fn });
    for (const cls of module.classes) {
      if (!cls.init) continue;
      const path = cls.path || `${module.name}.${cls.name}`;
      callables.push({ path, fn: cls.init });
      for (const m of cls.methods) if (m.signatures.length) callables.push({ path: `${path}.${m.name}`, fn: m });
    }
  }
  return coverageOf(callables);
}

/** Coverage over the entrypoints a manifest selected (functions, constructors and chosen methods). */
export function manifestCoverage(integrations: readonly ResolvedIntegration[]): CoverageReport {
  const callables: { path: string; fn: FunctionDescriptor }[] = [];
  for (const integration of integrations) {
    for (const f of integration.functions)
      callables.push({ path: f.function.path || `${f.module}.${f.function.name}`, fn: f.function });
    for (const c of integration.classes) {
      const path = c.class.path || `${c.module}.${c.class.name}`;
      if (c.class.init) callables.push({ path, fn: c.class.init });
      for (const m of c.methods) callables.push({ path: `${path}.${m.name}`, fn: m });
    }
  }
  return coverageOf(callables);
}

/** One line per source, e.g. "29/30 recovered (96.7%): inspect 27, docstring_signature 2, none 1". */
export function formatCoverage(report: CoverageReport): string {
  const sources = Object.entries(report.bySource)
    .sort((a, b) => b[1] - a[1])
    .map(([s, n]) => `${s} ${n}`)
    .join(", ");
  return (
    `${report.recovered}/${report.total} full signatures (${(report.share * 100).toFixed(1)}%), ` +
    `${report.fullyTyped} fully typed; by source: ${sources || "none"}`
  );
}

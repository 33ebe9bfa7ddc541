// manifests.*: schema, validation with positions and autocomplete from cached descriptors; generate and diff
// delegate to the integration layer.
import type { ManifestDiagnostic, WorkbenchRequests } from "../../../api/workbench-api.js";
import { ManifestError, type ManifestProblem } from "../../../integration/manifest/manifest-error.js";
import { manifestSchema, parseManifest } from "../../../integration/manifest/load-manifest.js";
import { entrypointCompletions, liveProblems } from "../../../integration/manifest/authoring.js";
import { formatManifestPath } from "../../../integration/manifest/types.js";
import type { LibraryDescriber } from "../../../integration/library-describer.js";
import type { HandlerTable } from "../request-handler.js";

type CompletionItem = WorkbenchRequests["manifests.completions"]["result"]["items"][number];

/** A manifest problem as the editor shows it (a one-character range at its position). */
export function manifestDiagnostic(
  problem: ManifestProblem,
  severity: ManifestDiagnostic["severity"] = "error",
): ManifestDiagnostic {
  return {
    severity,
    message: problem.message,
    line: problem.line,
    column: problem.column,
    endLine: problem.line,
    endColumn: problem.column + 1,
    path: formatManifestPath(problem.path),
  };
}

/** Diagnostics for an error thrown while loading or using a manifest; unexpected errors are re-thrown. */
export function diagnosticsOf(error: unknown): ManifestDiagnostic[] {
  if (error instanceof ManifestError) return error.problems.map((p) => manifestDiagnostic(p));
  throw error;
}

/** The schema the editor validates against. */
export function manifestSchemaHandler(): HandlerTable<"manifests.schema"> {
  return { "manifests.schema": async () => ({ schema: manifestSchema }) };
}

/** Validation and completion handlers. */
export function manifestCheckHandlers(
  describer: LibraryDescriber,
): HandlerTable<"manifests.validate" | "manifests.completions"> {
  return {
    "manifests.validate": async ({ text, path }) => {
      try {
        const loaded = parseManifest(text, path ?? "manifest.yaml");
        // Names are checked against the described libraries while typing, not only at Generate.
        return { diagnostics: (await liveProblems(loaded, describer)).map((p) => manifestDiagnostic(p)) };
      } catch (error) {
        return { diagnostics: diagnosticsOf(error) };
      }
    },
    "manifests.completions": async ({ prefix, limit, module, className }) => {
      const max = Math.min(Math.max(limit ?? 50, 1), 500);
      if (module)
        return {
          items: await entrypointCompletions(describer, {
            module,
            prefix,
            limit: max,
            ...(className ? { className } : {}),
          }),
        };
      const items = new Map<string, CompletionItem>();
      const add = (item: CompletionItem): void => {
        if (item.label.startsWith(prefix) && !items.has(item.label)) items.set(item.label, item);
      };
      for (const entry of await describer.cache.entries()) {
        for (const module of entry.descriptor.modules) {
          add({ label: module.name, kind: "module", detail: firstLine(module.doc) });
          for (const fn of module.functions)
            add({ label: `${module.name}.${fn.name}`, kind: "function", detail: fn.signatures[0]?.text ?? "" });
          for (const cls of module.classes) {
            add({ label: `${module.name}.${cls.name}`, kind: "class", detail: firstLine(cls.doc) });
            for (const method of cls.methods)
              add({
                label: `${module.name}.${cls.name}.${method.name}`,
                kind: "method",
                detail: method.signatures[0]?.text ?? "",
              });
          }
        }
      }
      return { items: [...items.values()].sort((a, b) => a.label.localeCompare(b.label)).slice(0, max) };
    },
  };
}

function firstLine(doc: string): string {
  return doc.trim().split("\n")[0] ?? "";
}

// Autocomplete for manifest YAML: schema keys where a key is expected, entrypoint locators from the
// descriptor cache ("manifests.completions") inside entrypoint lists.
import { MonacoProviders } from "../../components/monaco-providers";
import { monaco } from "../../components/monaco-setup";
import { workbench } from "../../client/workbench-client";
import { schemaKeySuggestions } from "../../components/json-schema-keys";
import { useManifestsStore } from "./store";

const LOCATOR_PARENTS = new Set(["functions", "classes", "include", "exclude", "methods", "names", "name"]);

/** The key whose value the line at `lineNumber` belongs to (nearest less-indented "key:" above). */
export function parentKey(lines: string[], lineNumber: number): string | null {
  const line = lines[lineNumber - 1] ?? "";
  const inline = /^\s*-?\s*([\w$]+)\s*:\s*\S/.exec(line);
  if (inline) return inline[1] ?? null;
  const indent = line.length - line.trimStart().length;
  for (let index = lineNumber - 2; index >= 0; index -= 1) {
    const candidate = lines[index] ?? "";
    if (!candidate.trim() || candidate.trim().startsWith("#")) continue;
    const candidateIndent = candidate.length - candidate.trimStart().length;
    const key = /^\s*-?\s*([\w$]+)\s*:\s*$/.exec(candidate);
    if (candidateIndent < indent && key) return key[1] ?? null;
    if (candidateIndent < indent && !candidate.trimStart().startsWith("-")) return null;
  }
  return null;
}

/** Where a cursor sits in a manifest: the integration's import name and, under `methods:`, the class. */
export interface EntrypointContext {
  module: string | null;
  className: string | null;
}

const ITEM_START = /^(\s*)-\s+(package|module)\s*:\s*([\w.-]+)/;

/** The integration (its `module:`, else its `package:`) and class that the line at `lineNumber` belongs to. */
export function entrypointContext(lines: string[], lineNumber: number): EntrypointContext {
  let start = -1;
  for (let index = lineNumber - 1; index >= 0; index -= 1) {
    if (ITEM_START.test(lines[index] ?? "")) {
      start = index;
      break;
    }
  }
  if (start < 0) return { module: null, className: null };
  const [, dashIndent = "", firstKey, firstValue = ""] = ITEM_START.exec(lines[start] ?? "") ?? [];
  const keyIndent = dashIndent.length + 2;
  let packageName = firstKey === "package" ? firstValue : "";
  let moduleName = firstKey === "module" ? firstValue : "";
  for (let index = start + 1; index < lines.length; index += 1) {
    const line = lines[index] ?? "";
    if (!line.trim() || line.trim().startsWith("#")) continue;
    const indent = line.length - line.trimStart().length;
    if (indent < keyIndent) break; // the next integration, or the end of the list
    const key = /^\s*(package|module)\s*:\s*([\w.-]+)/.exec(line);
    if (indent === keyIndent && key) {
      if (key[1] === "package") packageName = key[2] ?? "";
      else moduleName = key[2] ?? "";
    }
  }
  return {
    module: moduleName || packageName || null,
    className: parentKey(lines, lineNumber) === "methods" ? classAbove(lines, lineNumber) : null,
  };
}

/** The `name:` of the class entry a `methods:` list belongs to. */
function classAbove(lines: string[], lineNumber: number): string | null {
  for (let index = lineNumber - 1; index >= 0; index -= 1) {
    const name = /^\s*-?\s*name\s*:\s*([\w.]+)/.exec(lines[index] ?? "");
    if (name) return name[1] ?? null;
    if (ITEM_START.test(lines[index] ?? "")) return null;
  }
  return null;
}

type Item = { label: string; kind: "module" | "function" | "class" | "method"; detail: string; documentation?: string };

/** Entrypoint names for the cursor's integration (scoped), or dotted names from every cached library. */
async function entrypoints(
  context: EntrypointContext,
  prefix: string,
  limit: number,
  signal: AbortSignal,
): Promise<Item[]> {
  const scope = context.module
    ? { module: context.module, ...(context.className ? { className: context.className } : {}) }
    : {};
  const { items } = await workbench().call("manifests.completions", { prefix, limit, ...scope }, signal);
  return items;
}

const KINDS = {
  module: monaco.languages.CompletionItemKind.Module,
  class: monaco.languages.CompletionItemKind.Class,
  function: monaco.languages.CompletionItemKind.Function,
  method: monaco.languages.CompletionItemKind.Method,
};

const providers = new MonacoProviders();
// A hot reload replaces this module: drop its providers so the new module registers its own.
import.meta.hot?.dispose(() => providers.dispose());

export function registerManifestCompletions(): void {
  providers.registerOnce(() => [
    monaco.languages.registerCompletionItemProvider("yaml", {
      triggerCharacters: ["."],
      async provideCompletionItems(model, position, _context, token) {
        if (!model.uri.path.startsWith("/manifests-editor/")) return { suggestions: [] };
        const lines = model.getLinesContent();
        const before = model.getLineContent(position.lineNumber).slice(0, position.column - 1);
        const word = /[\w.$]*$/.exec(before)?.[0] ?? "";
        const range = new monaco.Range(
          position.lineNumber,
          position.column - word.length,
          position.lineNumber,
          position.column,
        );
        const parent = parentKey(lines, position.lineNumber);
        const keyPosition = /^\s*(-\s*)?[\w$]*$/.test(before);
        if (
          parent &&
          LOCATOR_PARENTS.has(parent) &&
          !(keyPosition && parent === "classes" && before.includes("name"))
        ) {
          const controller = new AbortController();
          token.onCancellationRequested(() => controller.abort());
          try {
            const items = await entrypoints(
              entrypointContext(lines, position.lineNumber),
              word,
              200,
              controller.signal,
            );
            return {
              suggestions: items.map((item) => ({
                label: item.label,
                kind: KINDS[item.kind],
                detail: item.detail,
                ...(item.documentation ? { documentation: item.documentation } : {}),
                insertText: item.label,
                range,
              })),
            };
          } catch {
            return { suggestions: [] }; // a cancelled or failed lookup offers nothing; validation reports real problems
          }
        }
        if (!keyPosition) return { suggestions: [] };
        const schema = useManifestsStore.getState().schema;
        if (!schema) return { suggestions: [] };
        return {
          suggestions: schemaKeySuggestions(schema, range),
        };
      },
    }),
    monaco.languages.registerHoverProvider("yaml", {
      async provideHover(model, position, token) {
        if (!model.uri.path.startsWith("/manifests-editor/")) return null;
        const lines = model.getLinesContent();
        const parent = parentKey(lines, position.lineNumber);
        if (!parent || !LOCATOR_PARENTS.has(parent)) return null;
        const line = model.getLineContent(position.lineNumber);
        const spans = [...line.matchAll(/[\w.$]+/g)];
        const span = spans.find(
          (m) => (m.index ?? 0) < position.column && position.column <= (m.index ?? 0) + m[0].length + 1,
        );
        if (!span || /^(name|methods|functions|classes|include|exclude)$/.test(span[0])) return null;
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort());
        try {
          const items = await entrypoints(
            entrypointContext(lines, position.lineNumber),
            span[0],
            20,
            controller.signal,
          );
          const item = items.find((candidate) => candidate.label === span[0]);
          if (!item) return null;
          const start = (span.index ?? 0) + 1;
          return {
            range: new monaco.Range(position.lineNumber, start, position.lineNumber, start + span[0].length),
            contents: [
              { value: "```python\n" + item.detail + "\n```" },
              ...(item.documentation ? [{ value: item.documentation }] : []),
            ],
          };
        } catch {
          return null;
        }
      },
    }),
  ]);
}

// Autocomplete for manifest YAML: schema keys where a key is expected, entrypoint locators from the
// descriptor cache ("manifests.completions") inside entrypoint lists.
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

let registered = false;

export function registerManifestCompletions(): void {
  if (registered) return;
  registered = true;
  monaco.languages.registerCompletionItemProvider("yaml", {
    triggerCharacters: ["."],
    async provideCompletionItems(model, position, _context, token) {
      if (!model.uri.path.startsWith("/manifests-editor/")) return { suggestions: [] };
      const lines = model.getLinesContent();
      const before = model.getLineContent(position.lineNumber).slice(0, position.column - 1);
      const word = /[\w.$]*$/.exec(before)?.[0] ?? "";
      const range = new monaco.Range(position.lineNumber, position.column - word.length, position.lineNumber, position.column);
      const parent = parentKey(lines, position.lineNumber);
      const keyPosition = /^\s*(-\s*)?[\w$]*$/.test(before);
      if (parent && LOCATOR_PARENTS.has(parent) && !(keyPosition && parent === "classes" && before.includes("name"))) {
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort());
        try {
          const { items } = await workbench().call("manifests.completions", { prefix: word, limit: 200 }, controller.signal);
          return {
            suggestions: items.map((item) => ({
              label: item.label,
              kind: { module: monaco.languages.CompletionItemKind.Module, class: monaco.languages.CompletionItemKind.Class, function: monaco.languages.CompletionItemKind.Function, method: monaco.languages.CompletionItemKind.Method }[item.kind],
              detail: item.detail,
              insertText: item.label,
              range,
            })),
          };
        } catch {
          return { suggestions: [] };
        }
      }
      if (!keyPosition) return { suggestions: [] };
      const schema = useManifestsStore.getState().schema;
      if (!schema) return { suggestions: [] };
      return {
        suggestions: schemaKeySuggestions(schema, range),
      };
    },
  });
}

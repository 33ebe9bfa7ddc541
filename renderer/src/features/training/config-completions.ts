// Key completion for run configs, from the schema the host serves ("training.schema").
import { schemaKeySuggestions } from "../../components/json-schema-keys";
import { monaco } from "../../components/monaco-setup";
import { useTrainingStore } from "./store";

let registered = false;

export function registerTrainingConfigCompletions(): void {
  if (registered) return;
  registered = true;
  monaco.languages.registerCompletionItemProvider("yaml", {
    provideCompletionItems(model, position) {
      if (!model.uri.path.startsWith("/training-config/")) return { suggestions: [] };
      const schema = useTrainingStore.getState().schema;
      const before = model.getLineContent(position.lineNumber).slice(0, position.column - 1);
      if (!schema || !/^\s*[\w]*$/.test(before)) return { suggestions: [] };
      const word = /\w*$/.exec(before)?.[0] ?? "";
      const range = new monaco.Range(
        position.lineNumber,
        position.column - word.length,
        position.lineNumber,
        position.column,
      );
      return {
        suggestions: schemaKeySuggestions(schema, range),
      };
    },
  });
}

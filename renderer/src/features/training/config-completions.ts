// Key completion for run configs, from the schema the host serves ("training.schema").
import { schemaKeySuggestions } from "../../components/json-schema-keys";
import { MonacoProviders } from "../../components/monaco-providers";
import { monaco } from "../../components/monaco-setup";
import { useTrainingStore } from "./store";

const providers = new MonacoProviders();
// A hot reload replaces this module: drop its providers so the new module registers its own.
import.meta.hot?.dispose(() => providers.dispose());

export function registerTrainingConfigCompletions(): void {
  providers.registerOnce(() => [
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
    }),
  ]);
}

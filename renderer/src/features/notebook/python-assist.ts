// Python completions and hover docs in notebook cells, from the notebook's live namespace on the worker
// (jedi, or rlcompleter where jedi is missing). Tab after a name opens the completions.
import { MonacoProviders } from "../../components/monaco-providers";
import { monaco } from "../../components/monaco-setup";
import { errorMessage, isCancellation, workbench } from "../../client/workbench-client";
import { useNotebookStore } from "./store";

/**
 * An editor aid that failed leaves the editor as it was (no list, no hover), but the reason goes to the console:
 * a worker that cannot answer is worth knowing about. A cancelled request (the user typed on) is not a failure.
 */
function reportAssistFailure(what: string, error: unknown): void {
  if (!isCancellation(error)) console.warn(`[snakebridge] notebook ${what} failed: ${errorMessage(error)}`);
}

/** Notebook cells are Monaco models under /cells/. */
function isCell(model: monaco.editor.ITextModel): boolean {
  return model.uri.path.startsWith("/cells/");
}

const KINDS: Record<string, monaco.languages.CompletionItemKind> = {
  module: monaco.languages.CompletionItemKind.Module,
  class: monaco.languages.CompletionItemKind.Class,
  function: monaco.languages.CompletionItemKind.Function,
  instance: monaco.languages.CompletionItemKind.Variable,
  statement: monaco.languages.CompletionItemKind.Variable,
  keyword: monaco.languages.CompletionItemKind.Keyword,
  param: monaco.languages.CompletionItemKind.Variable,
  property: monaco.languages.CompletionItemKind.Property,
  path: monaco.languages.CompletionItemKind.File,
};

const providers = new MonacoProviders();
// A hot reload replaces this module: drop its providers so the new module registers its own.
import.meta.hot?.dispose(() => providers.dispose());

/** Registers the providers once per page. */
export function registerPythonAssist(): void {
  providers.registerOnce(() => [
    monaco.languages.registerCompletionItemProvider("python", {
      triggerCharacters: ["."],
      async provideCompletionItems(model, position, _context, token) {
        if (!isCell(model)) return { suggestions: [] };
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort());
        const code = model.getValue();
        const cursor = model.getOffsetAt(position);
        try {
          const found = await workbench().call(
            "notebooks.complete",
            { notebookId: useNotebookStore.getState().notebookId, code, cursor },
            controller.signal,
          );
          const start = model.getPositionAt(found.start);
          const range = new monaco.Range(start.lineNumber, start.column, position.lineNumber, position.column);
          return {
            suggestions: found.items.map((item, index) => ({
              label: item.label,
              kind: KINDS[item.kind] ?? monaco.languages.CompletionItemKind.Text,
              detail: item.kind,
              insertText: item.label,
              sortText: String(index).padStart(4, "0"),
              range,
            })),
          };
        } catch (error) {
          reportAssistFailure("completions", error);
          return { suggestions: [] };
        }
      },
    }),
    monaco.languages.registerHoverProvider("python", {
      async provideHover(model, position, token) {
        if (!isCell(model) || !model.getWordAtPosition(position)) return null;
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort());
        try {
          const { hover } = await workbench().call(
            "notebooks.hover",
            {
              notebookId: useNotebookStore.getState().notebookId,
              code: model.getValue(),
              cursor: model.getOffsetAt(position),
            },
            controller.signal,
          );
          if (!hover || (!hover.doc && !hover.signature)) return null;
          const contents = [
            { value: `**${hover.name}**${hover.signature ? `\n\n\`\`\`python\n${hover.signature}\n\`\`\`` : ""}` },
          ];
          if (hover.doc) contents.push({ value: `\`\`\`text\n${hover.doc}\n\`\`\`` });
          return { contents };
        } catch (error) {
          reportAssistFailure("hover", error);
          return null;
        }
      },
    }),
  ]);
}

/** Tab after a name or a dot opens the completions; elsewhere it indents as usual. */
export function addTabCompletion(editor: monaco.editor.IStandaloneCodeEditor): monaco.IDisposable {
  return editor.addAction({
    id: "snakebridge.tabComplete",
    label: "Complete (Tab)",
    keybindings: [monaco.KeyCode.Tab],
    precondition: "editorTextFocus && !suggestWidgetVisible && !editorHasSelection && !inSnippetMode",
    run(target) {
      const model = target.getModel();
      const position = target.getPosition();
      if (!model || !position) return;
      const before = model.getLineContent(position.lineNumber).slice(0, position.column - 1);
      if (/[\w.]$/.test(before)) target.trigger("keyboard", "editor.action.triggerSuggest", {});
      else target.trigger("keyboard", "tab", null);
    },
  });
}

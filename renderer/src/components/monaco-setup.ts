// Monaco, loaded from the npm package (no CDN), with its web workers bundled by Vite.
import * as monaco from "monaco-editor";
import EditorWorker from "monaco-editor/editor/editor.worker?worker";
import JsonWorker from "monaco-editor/language/json/json.worker?worker";
import TsWorker from "monaco-editor/language/typescript/ts.worker?worker";

declare global {
  interface Window {
    MonacoEnvironment?: { getWorker(workerId: string, label: string): Worker };
  }
}

window.MonacoEnvironment = {
  getWorker(_workerId, label) {
    if (label === "typescript" || label === "javascript") return new TsWorker();
    if (label === "json") return new JsonWorker();
    return new EditorWorker();
  },
};

monaco.editor.defineTheme("snakebridge-dark", {
  base: "vs-dark",
  inherit: true,
  rules: [],
  colors: {
    "editor.background": "#1f1f1f",
    "editorGutter.background": "#1f1f1f",
    "editor.lineHighlightBackground": "#ffffff08",
  },
});
monaco.editor.setTheme("snakebridge-dark");

// TypeScript cells and generated SDK previews: strict, modern, no DOM noise in completions.
monaco.typescript.typescriptDefaults.setCompilerOptions({
  target: monaco.typescript.ScriptTarget.ES2020,
  module: monaco.typescript.ModuleKind.ESNext,
  moduleResolution: monaco.typescript.ModuleResolutionKind.NodeJs,
  strict: true,
  allowNonTsExtensions: true,
  lib: ["es2022"],
});

// Cells import generated SDKs from the workspace, which the browser-side checker cannot see; the host
// type-checks each cell for real (its diagnostics show under the cell), so only syntax is checked here.
monaco.typescript.typescriptDefaults.setDiagnosticsOptions({ noSemanticValidation: true, noSyntaxValidation: false });

export { monaco };

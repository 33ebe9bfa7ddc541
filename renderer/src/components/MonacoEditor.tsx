import { useEffect, useRef } from "react";
import type { ReactElement } from "react";
import { monaco } from "./monaco-setup";

export interface MonacoEditorProps {
  value: string;
  language: string;
  readOnly?: boolean;
  onChange?: (value: string) => void;
  /** Grow with the content (notebook cells) instead of filling the parent. */
  autoHeight?: boolean;
  /** Model URI path, e.g. "manifests/numpy.yaml": keeps one model per document. */
  path?: string;
  onMount?: (editor: monaco.editor.IStandaloneCodeEditor) => void | (() => void);
  options?: monaco.editor.IStandaloneEditorConstructionOptions;
  testId?: string;
}

const LINE_HEIGHT = 19;

export function MonacoEditor(props: MonacoEditorProps): ReactElement {
  const host = useRef<HTMLDivElement>(null);
  const editorRef = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);
  const propsRef = useRef(props);
  propsRef.current = props;

  useEffect(() => {
    const element = host.current;
    if (!element) return;
    const uri = props.path ? monaco.Uri.parse(`inmemory://workbench/${props.path}`) : undefined;
    const existing = uri ? monaco.editor.getModel(uri) : null;
    const model = existing ?? monaco.editor.createModel(props.value, props.language, uri);
    if (existing && existing.getValue() !== props.value) existing.setValue(props.value);
    const editor = monaco.editor.create(element, {
      model,
      readOnly: props.readOnly ?? false,
      automaticLayout: true,
      minimap: { enabled: false },
      fontSize: 13,
      lineHeight: LINE_HEIGHT,
      fontFamily: "'Cascadia Code', 'JetBrains Mono', 'DejaVu Sans Mono', Menlo, Consolas, monospace",
      scrollBeyondLastLine: false,
      renderLineHighlight: "line",
      tabSize: props.language === "yaml" ? 2 : 4,
      fixedOverflowWidgets: true,
      ...(props.autoHeight
        ? {
            scrollbar: { vertical: "hidden", alwaysConsumeMouseWheel: false, horizontalScrollbarSize: 6 },
            overviewRulerLanes: 0,
            lineNumbersMinChars: 3,
            glyphMargin: false,
            folding: false,
            lineDecorationsWidth: 6,
          }
        : {}),
      ...props.options,
    });
    editorRef.current = editor;
    const changes = editor.onDidChangeModelContent(() => propsRef.current.onChange?.(editor.getValue()));
    const resize = (): void => {
      if (!propsRef.current.autoHeight) return;
      const height = Math.max(LINE_HEIGHT + 10, editor.getContentHeight());
      element.style.height = `${height}px`;
      editor.layout({ width: element.clientWidth, height });
    };
    const sizes = editor.onDidContentSizeChange(resize);
    resize();
    const unmount = props.onMount?.(editor);
    return () => {
      unmount?.();
      changes.dispose();
      sizes.dispose();
      editor.dispose();
      // Documents with a path keep their model (and undo stack) across remounts; the rest go.
      if (!uri) model.dispose();
      editorRef.current = null;
    };
    // The editor is created once per mount; value changes from outside are applied below.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [props.path]);

  useEffect(() => {
    const editor = editorRef.current;
    if (editor && editor.getValue() !== props.value) {
      // An outside change (file opened, generated output) replaces the text but keeps undo.
      const model = editor.getModel();
      if (model) editor.executeEdits("external", [{ range: model.getFullModelRange(), text: props.value }]);
    }
  }, [props.value]);

  useEffect(() => {
    editorRef.current?.updateOptions({ readOnly: props.readOnly ?? false });
  }, [props.readOnly]);

  useEffect(() => {
    const model = editorRef.current?.getModel();
    if (model && model.getLanguageId() !== props.language) monaco.editor.setModelLanguage(model, props.language);
  }, [props.language]);

  return (
    <div className={props.autoHeight ? "monaco-auto" : "editor-host"} data-testid={props.testId}>
      <div ref={host} className={props.autoHeight ? undefined : "monaco"} />
    </div>
  );
}

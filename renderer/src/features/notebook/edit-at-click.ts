// Opening a rendered Markdown cell for editing where it was double-clicked: the caret goes to the line at that
// height, and that line stays under the pointer. Before, the caret went to line 1 and the page jumped to the top of
// a long cell (swapping the rendered block for the editor also let the browser clamp the scroll position).
import type * as monaco from "monaco-editor";

/** Where a rendered cell was double-clicked: the fraction of its height (0 top, 1 bottom) and the pointer's y. */
export interface EditClick {
  fraction: number;
  clientY: number;
}

/** The click on `element` as an EditClick. */
export function editClick(element: HTMLElement, clientY: number): EditClick {
  const box = element.getBoundingClientRect();
  const fraction = box.height > 0 ? Math.min(1, Math.max(0, (clientY - box.top) / box.height)) : 0;
  return { fraction, clientY };
}

/** The nearest ancestor of `element` that scrolls vertically, if any. */
function scrollParent(element: HTMLElement): HTMLElement | undefined {
  for (let node = element.parentElement; node !== null; node = node.parentElement) {
    const overflow = getComputedStyle(node).overflowY;
    if ((overflow === "auto" || overflow === "scroll") && node.scrollHeight > node.clientHeight) return node;
  }
  return undefined;
}

/** Puts the caret at the end of the clicked line and scrolls so that line sits where the pointer was. */
export function placeCaretAtClick(editor: monaco.editor.IStandaloneCodeEditor, click: EditClick): void {
  const model = editor.getModel();
  if (model === null) return;
  const lineNumber = Math.min(model.getLineCount(), Math.max(1, Math.ceil(click.fraction * model.getLineCount())));
  const position = { lineNumber, column: model.getLineMaxColumn(lineNumber) };
  editor.setPosition(position);
  // After the editor's first layout in the page, when its lines have their places.
  requestAnimationFrame(() => {
    const dom = editor.getDomNode();
    const visible = editor.getScrolledVisiblePosition(position);
    const scroller = dom === null ? undefined : scrollParent(dom);
    if (dom === null || visible === null || scroller === undefined) return;
    scroller.scrollTop += dom.getBoundingClientRect().top + visible.top - click.clientY;
  });
}

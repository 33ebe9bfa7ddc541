// Opening a rendered Markdown cell for editing where it was double-clicked: the caret goes to the line at that
// height, and that line stays under the pointer. Before, the caret went to line 1 and the page jumped to the top of
// a long cell (swapping the rendered block for the editor also let the browser clamp the scroll position).
import type * as monaco from "monaco-editor";

/**
 * Where a rendered cell was double-clicked: the source line of the block clicked (0-based), when the renderer said
 * (data-line), else the fraction of the cell's height (0 top, 1 bottom); and the pointer's y.
 */
export interface EditClick {
  line?: number;
  fraction: number;
  clientY: number;
}

/** The fraction of `element`'s height at `clientY`, between 0 and 1. */
function heightFraction(element: Element, clientY: number): number {
  const box = element.getBoundingClientRect();
  return box.height > 0 ? Math.min(1, Math.max(0, (clientY - box.top) / box.height)) : 0;
}

/** The click at `clientY` on `target`, inside the rendered cell `element`, as an EditClick. */
export function editClick(element: HTMLElement, clientY: number, target: EventTarget | null = null): EditClick {
  const block = target instanceof Element ? target.closest("[data-line]") : null;
  const fraction = heightFraction(element, clientY);
  if (block === null || !element.contains(block)) return { fraction, clientY };
  const first = Number(block.getAttribute("data-line"));
  const count = Math.max(1, Number(block.getAttribute("data-lines") ?? "1"));
  // Within a block of several source lines (a paragraph, code), by the height clicked in it.
  const line = first + Math.min(count - 1, Math.floor(heightFraction(block, clientY) * count));
  return Number.isFinite(line) ? { line, fraction, clientY } : { fraction, clientY };
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
  const estimate = click.line !== undefined ? click.line + 1 : Math.ceil(click.fraction * model.getLineCount());
  const lineNumber = Math.min(model.getLineCount(), Math.max(1, estimate));
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

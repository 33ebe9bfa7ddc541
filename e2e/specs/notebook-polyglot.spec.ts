// The notebook's shared scope (TypeScript ⇄ Python), the Variables panel, rich displays, Tab completion,
// the welcome notebook on a fresh workspace, and the notebook at 1024×700.
import type { Page } from "@playwright/test";
import { editorText, expect, newNotebook, replaceEditorText, showView, test } from "../fixtures.js";

/** Fills cell `index` (adding a cell of `language` first when it does not exist yet) and runs it. */
async function runCell(
  page: Page,
  index: number,
  language: "python" | "typescript",
  source: string,
): Promise<ReturnType<Page["getByTestId"]>> {
  if ((await page.getByTestId("cell").count()) <= index) {
    await page.getByRole("button", { name: language === "python" ? "Python cell" : "TypeScript cell" }).click();
  }
  const cell = page.getByTestId("cell").nth(index);
  await cell.getByLabel("Cell language").selectOption(language);
  await replaceEditorText(page, cell, source);
  await page.keyboard.press("ControlOrMeta+Enter");
  await expect(cell).toHaveAttribute("data-status", /ok|error|interrupted/, { timeout: 90_000 });
  return cell;
}

test("notebook: one scope across TypeScript and Python, and the Variables panel", async ({ workbench: page, snap }) => {
  await newNotebook(page, "polyglot");
  const py1 = await runCell(page, 0, "python", "import numpy as np\nx = 21\nweights = np.array([3.0, 4.0])");
  await expect(py1).toHaveAttribute("data-status", "ok");

  // TypeScript reads Python, typed from the live value: (await py.x) is a number.
  const ts1 = await runCell(
    page,
    1,
    "typescript",
    "const total = (await py.x) * 2;\nconst norm = Number(await py.np.linalg.norm(await py.weights));\n[total, norm]",
  );
  await expect(ts1).toHaveAttribute("data-status", "ok");
  await expect(ts1.getByTestId("out-result")).toContainText("42");
  await expect(ts1.getByTestId("out-result")).toContainText("5");

  // A later TypeScript cell sees the earlier cell's names.
  const ts2 = await runCell(page, 2, "typescript", "const label: string = `total=${total}`;\nlabel");
  await expect(ts2.getByTestId("out-result")).toContainText("total=42");

  // Python reads the TypeScript snapshot.
  const py2 = await runCell(page, 3, "python", "ts['total'] + 1, ts['label']");
  await expect(py2.getByTestId("out-result")).toContainText("43");
  await expect(py2.getByTestId("out-result")).toContainText("total=42");

  // Variables: both languages, click to inspect.
  await page.getByTestId("notebook-variables-toggle").click();
  const panel = page.getByTestId("variables-panel");
  await expect(panel.getByTestId("variables-python").locator('[data-name="weights"]')).toContainText("numpy.ndarray");
  await expect(panel.getByTestId("variables-python").locator('[data-name="weights"]')).toContainText("16 B");
  await expect(panel.getByTestId("variables-typescript").locator('[data-name="total"]')).toContainText("42");
  await panel.getByTestId("variables-python").locator('[data-name="weights"]').click();
  await expect(panel.getByTestId("variables-inspect")).toContainText("weights");
  await expect(panel.getByTestId("variables-inspect").getByTestId("ndarray-table")).toBeVisible();
  await snap("notebook-polyglot-variables-1440");
  await page.setViewportSize({ width: 1024, height: 700 });
  await expect(panel).toBeVisible();
  await snap("notebook-polyglot-variables-1024");
});

test("notebook: rich displays keep their order with print, HTML is sandboxed", async ({ workbench: page, snap }) => {
  await newNotebook(page, "rich");
  const cell = await runCell(
    page,
    0,
    "python",
    [
      "import pandas as pd",
      "import matplotlib.pyplot as plt",
      "class Badge:",
      "    def _repr_html_(self): return '<b id=\"badge\">sandboxed html</b>'",
      "print('before')",
      "display(Badge())",
      "print('\\x1b[32mgreen\\x1b[0m after')",
      "plt.plot([0, 1, 4, 9])",
      "pd.DataFrame({'n': range(45), 'square': [i * i for i in range(45)]})",
    ].join("\n"),
  );
  await expect(cell).toHaveAttribute("data-status", "ok");
  const outputs = cell.getByTestId("cell-outputs");
  // Order: text, the HTML display, coloured text, the figure, the table.
  const kinds = await outputs
    .locator(":scope > *")
    .evaluateAll((nodes) => nodes.map((node) => node.getAttribute("data-testid")));
  expect(kinds).toEqual(["out-stdout", "out-display", "out-stdout", "out-display", "out-display"]);
  await expect(outputs.getByTestId("out-stdout").nth(1).locator(".ansi-fg-2")).toHaveText("green");

  const frame = outputs.getByTestId("out-html");
  await expect(frame).toHaveAttribute("sandbox", "");
  await expect(page.frameLocator("iframe.out-html").locator("#badge")).toHaveText("sandboxed html");
  await expect(outputs.getByTestId("out-image")).toBeVisible();

  const table = outputs.getByTestId("out-table");
  await expect(table.getByTestId("out-table-range")).toContainText("rows 1–20 of 45");
  await table.getByRole("button", { name: "Next page" }).click();
  await expect(table.getByTestId("out-table-range")).toContainText("rows 21–40 of 45");
  await expect(table.locator("tbody tr").first()).toContainText("400");
  await snap("notebook-rich-1440");
  await page.setViewportSize({ width: 1024, height: 700 });
  await snap("notebook-rich-1024");
});

test("notebook: Tab completes from the live namespace; errors read as the user's code", async ({
  workbench: page,
  snap,
}) => {
  await newNotebook(page, "assist");
  await runCell(page, 0, "python", "import collections\nmy_counter = collections.Counter('hello')");
  await page.getByRole("button", { name: "Python cell" }).click();
  const cell = page.getByTestId("cell").nth(1);
  await cell.locator(".view-lines").click();
  await page.keyboard.type("my_counter.most");
  // The "." opens the completions by itself, and when they arrive is a race with the next key: Tab accepts an
  // open list, and Escape does nothing while the list is still loading. Wait for that list, close it, and only
  // then press Tab, so that Tab itself is what opens the list below.
  const suggest = page.locator(".suggest-widget");
  await expect(suggest).toContainText("most_common", { timeout: 15_000 });
  await page.keyboard.press("Escape");
  await expect(suggest).toBeHidden();
  await page.keyboard.press("Tab");
  await expect(suggest).toContainText("most_common", { timeout: 15_000 });
  await snap("notebook-tab-completion");
  // A second Tab accepts the selected completion.
  await page.keyboard.press("Tab");
  await expect(suggest).toBeHidden();
  await expect(cell.locator(".view-lines")).toContainText("my_counter.most_common");

  const failing = await runCell(page, 1, "python", "def ratio(n):\n    return 10 / n\n\nratio(0)");
  await expect(failing).toHaveAttribute("data-status", "error");
  const trace = failing.getByTestId("python-error");
  await expect(trace).toContainText("return 10 / n");
  await expect(trace).not.toContainText("snakebridge_worker");
  await snap("notebook-traceback");

  // The 1-D line plot leaves room for long y labels.
  await page.getByRole("button", { name: "Python cell" }).click();
  const plotted = await runCell(page, 2, "python", "import numpy as np\nnp.array([0.99915, 0.9995, 0.99985])");
  await plotted.getByRole("button", { name: "Line plot" }).click();
  const plot = plotted.getByRole("img", { name: "Line plot" });
  const label = plot.locator("text", { hasText: "0.99915" });
  await expect(label).toBeVisible();
  const [plotBox, labelBox] = [await plot.boundingBox(), await label.boundingBox()];
  expect(labelBox && plotBox && labelBox.x >= plotBox.x, "the y label starts inside the plot").toBe(true);
  await snap("notebook-line-plot-labels");
});

test("notebook: the welcome notebook runs green on a fresh workspace", async ({ workbench: page, snap }) => {
  await showView(page, "notebook");
  await page.getByTestId("notebook-files").getByText("notebooks/welcome.ipynb").click();
  await expect(page.getByTestId("cell-markdown").first()).toContainText("one scope");
  await page
    .locator(".notebook-toolbar")
    .getByRole("button", { name: /Run All/ })
    .click();
  const code = page.locator('[data-testid="cell"]:not(:has([data-testid="cell-markdown"]))');
  await expect
    .poll(async () => code.evaluateAll((cells) => cells.map((cell) => cell.getAttribute("data-status"))), {
      timeout: 90_000,
    })
    .toEqual(["ok", "ok", "ok", "ok"]);
  await snap("notebook-welcome-1440");
  await page.setViewportSize({ width: 1024, height: 700 });
  // The toolbar keeps one row at 1024 px.
  const toolbar = page.locator(".notebook-toolbar");
  expect((await toolbar.boundingBox())?.height).toBeLessThanOrEqual(36);
  const save = toolbar.getByRole("button", { name: /Save/ });
  await expect(save).toBeInViewport();
  await snap("notebook-welcome-1024");
});

test("notebook: a Markdown cell renders a pipe table, aligned, with inline formatting", async ({
  workbench: page,
  snap,
}) => {
  await newNotebook(page, "table");
  const cell = page.getByTestId("cell").first();
  await cell.getByLabel("Cell language").selectOption("markdown");
  await replaceEditorText(
    page,
    cell,
    "## Fine-tuning runs\n\n| run | model | loss | note |\n|---|:-:|--:|---|\n| `r1` | tiny-gpt2 | 0.25 | **best** |\n" +
      "| `r2` | tiny-gpt2 | 0.4 | a \\| pipe |\n| r3 | short row |\n\nAfter the table.",
  );
  await page.keyboard.press("ControlOrMeta+Enter");
  const table = cell.getByTestId("cell-markdown").locator("table");
  await expect(table).toBeVisible();
  await expect(table.locator("tbody tr")).toHaveCount(3);
  await expect(table.locator("th").nth(2)).toHaveCSS("text-align", "right");
  await expect(table.locator("tbody tr").first().locator("strong")).toHaveText("best");
  await expect(table.locator("tbody tr").nth(1).locator("td").nth(3)).toHaveText("a | pipe");
  await expect(cell.getByTestId("cell-markdown")).toContainText("After the table.");
  await snap("notebook-markdown-table");
});

test("notebook: Markdown keeps snake_case names, wraps long words, and edits where it was double-clicked", async ({
  workbench: page,
  snap,
}) => {
  await newNotebook(page, "md-edit");
  const cell = page.getByTestId("cell").first();
  // A Python cell that ran, turned into Markdown: its output goes and it stays in the editor until run.
  await replaceEditorText(page, cell, "print(6 * 7)");
  await page.keyboard.press("ControlOrMeta+Enter");
  await expect(cell.getByTestId("cell-outputs")).toContainText("42");
  await cell.getByLabel("Cell language").selectOption("markdown");
  await expect(cell.getByTestId("cell-outputs")).toHaveCount(0);
  await expect(cell.locator(".view-lines")).toBeVisible();
  const rows = Array.from({ length: 80 }, (_, i) => `| run_${i} | val_loss_${i} |`).join("\n");
  await replaceEditorText(
    page,
    cell,
    `# snake_case_name stays\n\n${"x".repeat(400)}\n\n| run_id | val_loss |\n|---|---|\n${rows}`,
  );
  await page.keyboard.press("ControlOrMeta+Enter");
  const rendered = cell.getByTestId("cell-markdown");
  await expect(rendered.locator("h1")).toHaveText("snake_case_name stays");
  await expect(rendered.locator("th").first()).toHaveText("run_id");
  // The 400-character word wraps inside the cell instead of widening the notebook.
  const notebook = page.getByTestId("view-notebook");
  const widths = await notebook.evaluate("[document.scrollingElement.scrollWidth, innerWidth]");
  expect((widths as number[])[0]).toBeLessThanOrEqual((widths as number[])[1]!);
  // Double-click row 60: the caret lands on its line, and the page does not jump to the cell's top.
  const row = rendered.locator("tbody tr").nth(60);
  await row.scrollIntoViewIfNeeded();
  await row.dblclick();
  await page.keyboard.type("EDITED");
  // Near row 60 (the caret goes to the line at the clicked height), and on screen where the row was.
  const edited = cell.locator(".view-line", { hasText: "EDITED" });
  await expect(edited).toHaveText(/val_loss_60\s\|EDITED/); // the row's own source line (data-line)
  await expect(edited).toBeInViewport();
  await snap("notebook-markdown-edit-at-click");
});

test("notebook: Shift+Enter moves the typing on to the next cell; Enter opens a rendered Markdown cell", async ({
  workbench: page,
}) => {
  await newNotebook(page, "keys");
  const first = page.getByTestId("cell").first();
  await replaceEditorText(page, first, "a = 1");
  await page.getByRole("button", { name: "Markdown cell" }).click();
  await page.getByRole("button", { name: "Python cell" }).click();
  const [markdown, third] = [page.getByTestId("cell").nth(1), page.getByTestId("cell").nth(2)];
  await markdown.locator(".view-lines").click();
  await page.keyboard.type("# Notes");
  // From the first cell: Shift+Enter runs it and typing goes on in the Markdown cell below.
  await first.locator(".view-lines").click();
  await page.keyboard.press("Shift+Enter");
  await page.keyboard.type(" and more");
  await expect.poll(() => editorText(markdown)).toContain("# Notes and more");
  // From the Markdown cell: Shift+Enter renders it, and typing goes on in the Python cell below.
  await page.keyboard.press("Shift+Enter");
  await expect(markdown.getByTestId("cell-markdown").locator("h1")).toHaveText("Notes and more");
  await page.keyboard.type("b = 2");
  await expect.poll(() => editorText(third)).toContain("b = 2");
  await expect.poll(() => editorText(first)).toBe("a = 1");
  // Enter on the rendered Markdown cell opens its editor, the caret at the end.
  await markdown.getByTestId("cell-markdown").focus();
  await page.keyboard.press("Enter");
  await page.keyboard.type("!");
  await expect.poll(() => editorText(markdown)).toContain("# Notes and more!");
});

test("notebook: Shift+Enter goes on past a rendered Markdown cell and from a language menu, typing at the end", async ({
  workbench: page,
}) => {
  await newNotebook(page, "keys2");
  const cells = page.getByTestId("cell");
  await replaceEditorText(page, cells.nth(0), "x = 1");
  await page.getByRole("button", { name: "Markdown cell" }).click();
  await replaceEditorText(page, cells.nth(1), "# Title");
  await page.keyboard.press("ControlOrMeta+Enter"); // rendered
  await page.getByRole("button", { name: "Python cell" }).click();
  await replaceEditorText(page, cells.nth(2), "y = 2");
  await page.getByRole("button", { name: "Python cell" }).click();
  await replaceEditorText(page, cells.nth(3), "z = 3");
  // From the first cell, twice: past the rendered Markdown cell (focus stayed on it), into the third, at its end.
  await cells.nth(0).locator(".view-lines").click();
  await page.keyboard.press("Shift+Enter");
  await page.keyboard.press("Shift+Enter");
  await page.keyboard.type(" # typed");
  await expect.poll(() => editorText(cells.nth(2))).toContain("y = 2 # typed"); // it was "# typedy = 2"
  // From a language menu: the next keys go to the next cell, not to the menu's type-to-select.
  await cells.nth(2).getByLabel("Cell language").focus();
  await page.keyboard.press("Shift+Enter");
  await page.keyboard.type(" m");
  await expect(cells.nth(2).getByLabel("Cell language")).toHaveValue("python");
  await expect.poll(() => editorText(cells.nth(3))).toContain("z = 3 m");
  // A click into another cell's code still puts the caret where it was clicked, not at the end.
  await cells
    .nth(0)
    .locator(".view-lines")
    .click({ position: { x: 1, y: 5 } });
  await page.keyboard.type("#");
  await expect.poll(() => editorText(cells.nth(0))).toBe("#x = 1");
});

test("workers: the log shows a notebook cell's prints", async ({ workbench: page, snap }) => {
  await newNotebook(page, "log");
  const marker = `printed-by-a-cell-${Date.now()}`;
  const cell = await runCell(page, 0, "python", `print(${JSON.stringify(marker)})`);
  await expect(cell).toHaveAttribute("data-status", "ok");
  await showView(page, "workers");
  const rows = page.getByTestId("worker-row");
  await expect(rows.first()).toBeVisible();
  // The cell ran in the worker that holds the notebook's session; its row lists that session.
  await rows
    .filter({ hasText: /notebooks\/log-|sessions/ })
    .first()
    .click();
  await expect(page.getByTestId("worker-log")).toContainText(marker, { timeout: 15_000 });
  await snap("workers-log-cell-print-1440");
  await page.setViewportSize({ width: 1024, height: 700 });
  await snap("workers-log-cell-print-1024");
});

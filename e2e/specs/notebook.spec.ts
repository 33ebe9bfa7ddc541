import type { Page } from "@playwright/test";
import { expect, newNotebook, replaceEditorText, showView, test } from "../fixtures.js";

async function fillCell(page: Page, index: number, source: string): Promise<void> {
  const cell = page.getByTestId("cell").nth(index);
  await replaceEditorText(page, cell, source);
}

test("notebook: array table, a TypeScript cell calling the generated SDK, interrupt, save and reopen", async ({
  workbench: page,
  snap,
}) => {
  // The TypeScript cell calls the SDK generated from the workspace's example manifest.
  await showView(page, "manifests");
  await page.getByTestId("manifest-files").getByText("manifests/stdlib.manifest.yaml").click();
  await page.getByRole("button", { name: "Generate", exact: true }).click();
  await expect(page.getByTestId("generated-tabs").getByRole("tab").first()).toBeVisible({ timeout: 90_000 });

  await showView(page, "notebook");
  const name = `e2e-${Date.now()}`;
  await page.getByRole("button", { name: "New notebook" }).first().click();
  await page.getByLabel("New notebook name").fill(name);
  await page.keyboard.press("Enter");
  await expect(page.getByTestId("cell")).toHaveCount(1);

  // Python: a 2-D array is shown as a table.
  await fillCell(page, 0, "import numpy as np\nprint('shape follows')\nnp.arange(6).reshape(2, 3)");
  await page.keyboard.press("Shift+Enter");
  const first = page.getByTestId("cell").nth(0);
  await expect(first.getByTestId("ndarray-table")).toBeVisible({ timeout: 60_000 });
  await expect(first.getByTestId("ndarray-table").locator("td")).toHaveText(["0", "1", "2", "3", "4", "5"]);
  await expect(first.getByTestId("out-stdout")).toContainText("shape follows");
  await expect(first.getByTestId("execution-count")).toHaveText("[1]");

  // TypeScript: calls Python through the generated SDK.
  await expect(page.getByTestId("cell")).toHaveCount(2);
  await page.getByTestId("cell").nth(1).getByLabel("Cell language").selectOption("typescript");
  await fillCell(
    page,
    1,
    'import { stdlib } from "./manifests/generated/stdlib/index.js";\nawait stdlib.statistics.mean([1, 2, 3, 4])',
  );
  await page.keyboard.press("ControlOrMeta+Enter");
  const second = page.getByTestId("cell").nth(1);
  await expect(second).toHaveAttribute("data-status", "ok", { timeout: 90_000 });
  await expect(second.getByTestId("out-result")).toContainText("2.5");
  await snap("notebook-python-and-typescript");

  // Interrupt a long-running cell.
  await page.getByRole("button", { name: "TypeScript cell" }).waitFor();
  await page.getByRole("button", { name: "Python cell" }).click();
  await fillCell(page, 2, "import time\ntime.sleep(30)");
  await page.keyboard.press("ControlOrMeta+Enter");
  const sleeper = page.getByTestId("cell").nth(2);
  await expect(sleeper).toHaveAttribute("data-status", "running");
  const started = Date.now();
  await page.getByTestId("notebook-interrupt").click();
  await expect(sleeper).toHaveAttribute("data-status", "interrupted", { timeout: 15_000 });
  expect(Date.now() - started, "interrupt took as long as the sleep").toBeLessThan(15_000);
  await snap("notebook-interrupted");

  // Save, reload the page, reopen: cells and outputs come back from the .ipynb.
  await page.keyboard.press("ControlOrMeta+S");
  await expect(page.getByTestId("notebook-save-state")).toHaveText("saved");
  await page.reload();
  await showView(page, "notebook");
  await page.getByTestId("notebook-files").getByText(`notebooks/${name}.ipynb`).click();
  await expect(page.getByTestId("cell")).toHaveCount(3);
  await expect(page.getByTestId("cell").nth(0).getByTestId("ndarray-table")).toBeVisible();
  await expect(page.getByTestId("cell").nth(1).getByTestId("out-result")).toContainText("2.5");
  await snap("notebook-reopened");

  // Containers are a collapsible tree; a 1-D array can be drawn as a line plot.
  await page.getByRole("button", { name: "Python cell" }).click();
  await fillCell(page, 3, "import numpy as np\nnp.linspace(0, 1, 50) ** 2");
  await page.keyboard.press("ControlOrMeta+Enter");
  const curve = page.getByTestId("cell").nth(3);
  await curve.getByRole("button", { name: "Line plot" }).click();
  await expect(curve.getByRole("img", { name: "Line plot" })).toBeVisible();
  await page.getByRole("button", { name: "Python cell" }).click();
  await fillCell(page, 4, "{'name': 'run', 'losses': [3.2, 2.5, 1.9], 'done': None}");
  await page.keyboard.press("ControlOrMeta+Enter");
  const tree = page.getByTestId("cell").nth(4).getByTestId("out-result");
  await expect(tree).toContainText("3 keys");
  await expect(tree).toContainText("'losses'");
  await tree.getByRole("button", { name: /list/ }).click();
  await expect(tree).not.toContainText("2.5");
  await snap("notebook-plot-and-tree");
});

test("notebook: a second tab's save is never overwritten silently; the first tab says so and lets the user choose", async ({
  workbench: page,
  snap,
}) => {
  const name = await newNotebook(page, "tabs");

  // The same notebook in a second tab, which adds a cell and saves.
  const other = await page.context().newPage();
  await other.goto(page.url());
  await expect(other.getByTestId("connection-status")).toContainText("Connected");
  await showView(other, "notebook");
  await other.getByTestId("notebook-files").getByText(`notebooks/${name}.ipynb`).click();
  await fillCell(other, 0, "theirs = 1");
  await other.getByRole("button", { name: "Save" }).click();
  await expect(other.getByTestId("notebook-save-state")).toHaveText("saved");

  // The first tab edits its own copy: its save is refused, and it says why instead of overwriting theirs.
  await fillCell(page, 0, "mine = 2");
  await page.getByRole("button", { name: "Save" }).click();
  await expect(page.getByTestId("notebook-conflict")).toContainText("was saved elsewhere");
  await expect(page.getByTestId("notebook-save-state")).toHaveText("not saved: changed elsewhere");
  await snap("notebook-save-conflict");
  await page.getByTestId("notebook-conflict").getByRole("button", { name: "Reload theirs" }).click();
  await expect(page.getByTestId("notebook-conflict")).toHaveCount(0);
  await expect(page.getByTestId("cell").first()).toContainText("theirs = 1");
  await other.close();
});

import { expect, showView, test } from "../fixtures.js";

test("describe numpy and open linspace: signature, parameters and docstring", async ({ workbench: page, snap }) => {
  await showView(page, "libraries");
  await page.getByLabel("Module name").fill("numpy");
  await page.getByRole("button", { name: "Describe" }).click();

  await page.getByLabel("Filter").fill("linspace");
  // numpy re-exports linspace from a submodule: the tree lists it under both; the first is the package's.
  await page.locator('[data-path="numpy.linspace"]').first().click();

  await expect(page.getByTestId("detail-title")).toHaveText("numpy.linspace");
  await expect(page.getByTestId("signature").first()).toContainText("linspace(start, stop");
  const parameters = page.getByTestId("parameters").first();
  await expect(parameters.locator("td", { hasText: /^num$/ })).toBeVisible();
  await expect(parameters).toContainText("endpoint");
  // numpydoc sections are formatted, not dumped as raw text; Parameters are in the table, not repeated under it.
  await expect(page.getByTestId("docstring").locator("h4", { hasText: "Examples" })).toBeVisible();
  await expect(page.getByTestId("docstring").locator("h4", { hasText: "Parameters" })).toHaveCount(0);
  await snap("libraries-numpy-linspace");
});

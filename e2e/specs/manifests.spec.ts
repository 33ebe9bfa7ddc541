import { editorText, expect, replaceEditorText, showView, test } from "../fixtures.js";

const VALID = `version: 1
codegen:
  namespace: stdlib
  out_dir: generated/stdlib
integrations:
  - package: statistics
    entrypoints:
      functions: [mean, median, stdev]
`;

test("a schema error is marked in the editor; fixed, the manifest generates TypeScript", async ({ workbench: page, snap }) => {
  await showView(page, "manifests");
  await page.getByTestId("manifest-files").getByText("manifests/stdlib.manifest.yaml").click();
  const editor = page.getByTestId("manifest-editor");
  await expect(editor.locator(".view-lines")).toContainText("integrations");

  await replaceEditorText(page, editor, VALID.replace("version: 1", "version: 2"));
  await expect(editor.locator(".squiggly-error").first()).toBeVisible();
  await expect(page.getByTestId("manifest-problems")).toContainText("version");
  await snap("manifest-schema-error");

  await replaceEditorText(page, editor, VALID);
  await expect(page.getByTestId("manifest-problems-count")).toHaveText("✓ valid");
  await expect(editor.locator(".squiggly-error")).toHaveCount(0);

  await page.getByRole("button", { name: "Generate", exact: true }).click();
  const tabs = page.getByTestId("generated-tabs");
  await expect(tabs.getByRole("tab").first()).toBeVisible({ timeout: 60_000 });
  const generated = page.getByTestId("generated-editor");
  await expect.poll(async () => editorText(generated)).toMatch(/export/);
  // The statistics module's file declares the functions the manifest picked.
  const moduleTab = tabs.getByRole("tab", { name: /statistics/ });
  if (await moduleTab.count()) await moduleTab.first().click();
  await expect.poll(async () => editorText(generated)).toMatch(/mean/);
  await snap("manifest-generated-typescript");
});

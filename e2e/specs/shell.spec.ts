import { expect, test } from "../fixtures.js";

test("keyboard: Ctrl+1..6 switch views and the command palette runs commands", async ({ workbench: page, snap }) => {
  await page.keyboard.press("ControlOrMeta+4");
  await expect(page.getByTestId("view-workers")).toBeVisible();
  await page.keyboard.press("ControlOrMeta+1");
  await expect(page.getByTestId("view-libraries")).toBeVisible();
  // A new user lands on an empty state that says what to do first.
  await expect(page.getByText("Explore a Python library")).toBeVisible();

  await page.keyboard.press("ControlOrMeta+Shift+P");
  const palette = page.getByRole("dialog", { name: "Command palette" });
  await palette.getByRole("textbox").fill("show train");
  await expect(palette.getByRole("option")).toHaveText([/View: Show Training/]);
  await snap("command-palette");
  await page.keyboard.press("Enter");
  await expect(palette).toBeHidden();
  await expect(page.getByTestId("view-training")).toBeVisible();
});

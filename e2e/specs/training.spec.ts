import { expect, showView, test } from "../fixtures.js";

test("a tiny CPU training run streams its loss into the chart", async ({ workbench: page, snap, mode }) => {
  test.slow();
  await showView(page, "training");
  // Global setup copied examples/training/tiny-cpu.yaml (as tiny-cpu.run.yaml, with its data) into the workspace.
  test.skip(mode === "electron", "The Electron workspace is fresh and has no copy of the training example.");
  await page.getByLabel("Config file").selectOption("tiny-cpu.run.yaml");
  await expect(page.getByTestId("training-config").locator(".view-lines")).toContainText("tiny-cpu");
  await page.getByLabel("Run name").fill(`e2e-${Date.now()}`);
  await page.getByTestId("training-start").click();

  await expect(page.getByTestId("training-status")).toHaveText(/running|completed/, { timeout: 120_000 });
  const loss = page.getByTestId("chart-loss");
  await expect(loss.locator(".recharts-line path").first()).toBeVisible({ timeout: 180_000 });
  const pointsNow = async (): Promise<number> => ((await loss.locator(".recharts-line path").first().getAttribute("d")) ?? "").split(/[LM]/).length;
  const before = await pointsNow();
  // The chart keeps growing while the run logs steps (or the run finished with more than one point).
  await expect.poll(async () => (await pointsNow()) > before || (await page.getByTestId("training-status").innerText()) === "completed", { timeout: 120_000 }).toBe(true);
  await expect(page.getByTestId("chart-gpu-memory")).toContainText(/no GPU telemetry|used|allocated/i);
  await snap("training-live-run");
});

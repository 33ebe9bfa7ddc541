import { expect, showView, test } from "../fixtures.js";

test("kill a worker from the Workers view and watch the pool replace it", async ({ workbench: page, snap }) => {
  await showView(page, "workers");
  const row = page.getByTestId("worker-row").first();
  await expect(row.getByTestId("worker-state")).toHaveText("idle");
  const workerId = await row.getAttribute("data-worker-id");
  const pid = await row.getByTestId("worker-pid").innerText();
  await snap("workers-before-kill");

  await row.getByRole("button", { name: "Kill" }).click();
  const same = page.locator(`[data-testid="worker-row"][data-worker-id="${workerId}"]`);
  await expect(same.getByTestId("worker-pid")).not.toHaveText(pid, { timeout: 60_000 });
  await expect(same.getByTestId("worker-state")).toHaveText("idle", { timeout: 60_000 });
  await expect(same.getByTestId("worker-restarts")).not.toHaveText("0");
  await expect(page.getByTestId("pool-status")).toContainText("workers idle");
  await snap("workers-after-restart");
});

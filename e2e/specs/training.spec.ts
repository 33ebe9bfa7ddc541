// The Training view as a new user meets it: a seeded example, New run's form, separate outputs per run,
// resume and export from a checkpoint, the runs table with a config diff, and chart zoom.
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Page } from "@playwright/test";
import { workspaceDir } from "../environment.js";
import { expect, showView, test } from "../fixtures.js";

/** Waits until the focused run's status matches; fails at once when the run failed instead of waiting out the timeout. */
async function waitForStatus(page: Page, wanted: RegExp, timeout = 150_000): Promise<void> {
  await expect
    .poll(
      async () => {
        const status = (
          await page
            .getByTestId("training-status")
            .innerText()
            .catch(() => "")
        ).trim();
        if (status === "failed" || status === "interrupted") {
          const error = await page
            .locator(".python-error, [data-testid=python-error]")
            .first()
            .innerText()
            .catch(() => "");
          throw new Error(`the run ended ${status}: ${error}`);
        }
        return wanted.test(status);
      },
      { timeout, intervals: [500, 1000] },
    )
    .toBe(true);
}

/** Creates a config with New run's form and returns its workspace path. */
async function createFromForm(page: Page, name: string, steps: number): Promise<string> {
  await page.getByTestId("training-new-run").click();
  const dialog = page.getByTestId("new-run-dialog");
  await expect(dialog).toBeVisible();
  await dialog.getByLabel("Name", { exact: true }).fill(name);
  await dialog.getByLabel("Steps").fill(String(steps));
  await dialog.getByLabel("Sequence length").fill("32");
  // The dataset preview shows the seeded data's first rows.
  await expect(dialog.getByTestId("dataset-preview").locator("tbody tr")).toHaveCount(5);
  await expect(dialog).toContainText("600 rows");
  await dialog.getByTestId("new-run-create").click();
  await expect(dialog).toBeHidden();
  const path = `training/${name}.run.yaml`;
  await expect(page.getByLabel("Config file")).toHaveValue(path);
  return path;
}

test.describe("training", () => {
  test.beforeEach(async ({ mode }) => {
    test.skip(
      mode === "electron",
      "Training runs are exercised against the shared web host (the Electron window has its own, unseeded store).",
    );
  });

  test("a fresh workspace offers the tiny example; New run's form writes a config that trains, and the chart zooms", async ({
    workbench: page,
    snap,
  }) => {
    test.slow();
    await showView(page, "training");
    await expect(
      page.getByLabel("Config file").locator("option", { hasText: "training/tiny-cpu.run.yaml" }),
    ).toHaveCount(1);

    await page.getByTestId("training-new-run").click();
    await expect(
      page.getByTestId("new-run-dialog").getByTestId("dataset-preview").locator("tbody tr").first(),
    ).toBeVisible();
    await snap("training-new-run-dialog");
    await page.getByTestId("new-run-dialog").getByLabel("Close").click();

    const name = `e2e-form-${Date.now()}`;
    const path = await createFromForm(page, name, 12);
    const written = readFileSync(join(workspaceDir(), path), "utf8");
    expect(written).toContain("path: data/tiny.jsonl");
    expect(written).toContain("max_steps: 12");

    await page.getByTestId("training-start").click();
    await expect(page.getByTestId("training-run-title")).toHaveText(name);
    await waitForStatus(page, /completed/);
    // Start never rewrites the file.
    expect(readFileSync(join(workspaceDir(), path), "utf8")).toBe(written);

    const loss = page.getByTestId("chart-loss");
    await expect(loss.getByTestId("chart-loss-canvas")).toBeVisible();
    // Integer step ticks only.
    const ticks = await loss
      .locator(".recharts-xAxis-tick-labels .recharts-cartesian-axis-tick-value")
      .allTextContents();
    expect(ticks.length).toBeGreaterThan(1);
    expect(
      ticks.every((tick) => /^\d+$/.test(tick.trim())),
      `step ticks: ${ticks.join(", ")}`,
    ).toBe(true);
    await expect(page.getByTestId("training-events")).toContainText("Checkpoint saved at step 12");
    await expect(page.getByTestId("training-summary")).toContainText("checkpoint");
    await snap("training-completed-run");

    // Brush to zoom, double-click to reset.
    const body = loss.locator(".chart-body");
    const whole = await body.getAttribute("data-x-domain");
    const plot = loss.getByTestId("chart-loss-plot");
    const box = await plot.boundingBox();
    if (box === null) throw new Error("the loss chart has no plot area");
    await page.mouse.move(box.x + box.width * 0.3, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width * 0.7, box.y + box.height / 2, { steps: 5 });
    await page.mouse.up();
    await expect(body).toHaveAttribute("data-zoomed", "true");
    const zoomed = await body.getAttribute("data-x-domain");
    expect(zoomed).not.toBe(whole);
    const [from, to] = (zoomed ?? "").split(",").map(Number);
    const [wholeFrom, wholeTo] = (whole ?? "").split(",").map(Number);
    expect(to! - from!).toBeLessThan((wholeTo! - wholeFrom!) * 0.6);
    await snap("training-chart-zoomed");
    await plot.dblclick();
    await expect(body).toHaveAttribute("data-zoomed", "false");
    await expect(body).toHaveAttribute("data-x-domain", whole ?? "");
  });

  test("two runs of one config get their own folders; resume and export from a checkpoint; runs table and config diff", async ({
    workbench: page,
    snap,
  }) => {
    test.slow();
    await showView(page, "training");
    const name = `e2e-twice-${Date.now()}`;
    await createFromForm(page, name, 8);

    await page.getByTestId("training-start").click();
    await waitForStatus(page, /completed/);
    const firstTitle = await page.getByTestId("training-run-title").innerText();
    await page.getByTestId("training-tab-detail").click();
    const firstDir = await page.getByTestId("run-dir").innerText();

    await page.getByTestId("training-start").click();
    await waitForStatus(page, /completed/);
    await page.getByTestId("training-tab-detail").click();
    // The status above may still be the first run's "completed" when the second has only just been queued: on a
    // loaded machine (a full npm test) the second run's folder took longer than the default 30 s to show.
    await expect(page.getByTestId("run-dir")).not.toHaveText(firstDir, { timeout: 120_000 });
    const secondDir = await page.getByTestId("run-dir").innerText();
    expect(firstTitle).toBe(name);
    for (const dir of [firstDir, secondDir]) expect(dir).toMatch(new RegExp(`/training/runs/${name}-[0-9a-f]{8}$`));
    await expect(page.getByTestId("frozen-config")).toContainText("max_steps: 8");
    const checkpoints = page.getByTestId("run-checkpoints");
    await expect(checkpoints.locator("tbody tr")).toHaveCount(4); // save_every 2: steps 2, 4, 6, 8
    await expect(checkpoints).toContainText(`${secondDir}/checkpoint-4`);
    await snap("training-run-detail");

    // Export the adapter of checkpoint 6.
    await page.getByTestId("export-adapter-6").click();
    await expect(page.getByTestId("training-notice")).toContainText(
      `Exported the adapter to ${secondDir}/export-adapter`,
      { timeout: 60_000 },
    );

    // Resume from checkpoint 4: a new run, in its own folder, continuing at step 5.
    await page.getByTestId("resume-4").click();
    await expect(page.getByTestId("training-run-title")).toHaveText(`${name} (from step 4)`);
    await waitForStatus(page, /completed/);
    await page.getByTestId("training-tab-detail").click();
    await expect(page.getByTestId("frozen-config")).toContainText(`resume_from: ${secondDir}/checkpoint-4`);
    await expect(page.getByTestId("run-dir")).not.toHaveText(secondDir);
    // Try it: the same prompt through the base model and with the resumed run's adapter.
    await page.getByTestId("try-generate").click();
    await expect(page.getByTestId("try-adapter")).toBeVisible({ timeout: 60_000 });
    await expect(page.getByTestId("try-base")).toBeVisible();
    await snap("training-try-it");
    await page.getByTestId("training-tab-charts").click();
    await expect(page.getByTestId("training-events")).toContainText("resuming at step 4");

    // The runs table: filter, sort, tick two runs, compare their configs.
    await page.getByTestId("training-tab-runs").click();
    const table = page.getByTestId("runs-table");
    await table.getByLabel("Filter runs").fill(name);
    await expect(table.locator("tbody tr")).toHaveCount(3);
    await table.locator("th", { hasText: "Final loss" }).click();
    await expect(table.locator("th", { hasText: "Final loss" })).toHaveAttribute("aria-sort", "descending");
    for (const box of await table.locator("tbody input[type=checkbox]").all()) await box.uncheck();
    await table
      .locator("tbody tr", { hasText: `${name} (from step 4)` })
      .locator("input[type=checkbox]")
      .check();
    await table.locator("tbody tr", { hasNotText: "from step" }).first().locator("input[type=checkbox]").check();
    await table.getByTestId("runs-diff").click();
    const diff = table.getByTestId("config-diff");
    await expect(diff).toContainText("resume_from");
    await expect(diff).toContainText(`${secondDir}/checkpoint-4`);
    await expect(diff).not.toContainText("output_dir");
    await snap("training-runs-table-diff");
  });
});
